"""Drive's ``q`` search language: enough of it for what clients send.

Supports ``name = 'x'``, ``name contains 'x'``, ``mimeType = / != 'x'``,
``'<id>' in parents`` (and gspread's ``parents in "<id>"``), ``trashed = false``,
``starred = true``, ``createdTime``/``modifiedTime`` comparisons,
``'<email>' in owners|writers|readers``, joined with ``and``/``or``/``not``
and parentheses. Strings take single or double quotes with ``\\`` escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import drive_error

Predicate = Callable[[dict[str, Any]], bool]

_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<op>!=|<=|>=|=|<|>|\(|\))|(?P<word>[A-Za-z_][\w.]*))"""
)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _tokens(q: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(q):
        if not q[pos:].strip():
            break
        m = _TOKEN.match(q, pos)
        if not m:
            raise _invalid(q)
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _invalid(q: str) -> Exception:
    return drive_error(400, "Invalid Value", "invalid", location="q")


class _Parser:
    def __init__(self, q: str) -> None:
        self.q = q
        self.toks = _tokens(q)
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def parse(self) -> Predicate:
        pred = self.disjunction()
        if self.peek()[0] != "end":
            raise _invalid(self.q)
        return pred

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda f: any(p(f) for p in parts))

    def conjunction(self) -> Predicate:
        parts = [self.negation()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else (lambda f: all(p(f) for p in parts))

    def negation(self) -> Predicate:
        if self.peek() == ("word", "not"):
            self.take()
            inner = self.negation()
            return lambda f: not inner(f)
        if self.peek() == ("op", "("):
            self.take()
            inner = self.disjunction()
            if self.take() != ("op", ")"):
                raise _invalid(self.q)
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        kind, left = self.take()
        if kind == "str":
            # '<value>' in <collection>
            if self.take() != ("word", "in"):
                raise _invalid(self.q)
            field = self.take()[1]
            member = _unquote(left)
            return lambda f: member in _collection(f, field)
        if kind != "word":
            raise _invalid(self.q)
        field = left
        op_kind, op = self.take()
        if op_kind == "word" and op in ("contains", "in", "has"):
            pass
        elif op_kind != "op":
            raise _invalid(self.q)
        value_kind, raw = self.take()
        if value_kind == "str":
            value: Any = _unquote(raw)
        elif raw in ("true", "false"):
            value = raw == "true"
        else:
            raise _invalid(self.q)
        if op == "in":
            # gspread writes: parents in "<folder id>"
            return lambda f: value in _collection(f, field)
        return _compare(field, op, value, self.q)


def _collection(f: dict[str, Any], field: str) -> list[str]:
    if field == "parents":
        return list(f.get("parents") or [])
    if field in ("owners", "writers", "readers"):
        return list(f.get(f"_{field}") or [])
    raise drive_error(400, "Invalid Value", "invalid", location="q")


def _compare(field: str, op: str, value: Any, q: str) -> Predicate:
    def get(f: dict[str, Any]) -> Any:
        if field == "fullText":
            return f.get("name", "") + " " + f.get("_text", "")
        return f.get(field)

    if op == "contains":
        if field == "name":
            return lambda f: (
                str(get(f) or "").lower().startswith(str(value).lower())
                or any(word.lower().startswith(str(value).lower()) for word in str(get(f) or "").split())
            )
        return lambda f: str(value).lower() in str(get(f) or "").lower()
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a is not None and a < b,
        "<=": lambda a, b: a is not None and a <= b,
        ">": lambda a, b: a is not None and a > b,
        ">=": lambda a, b: a is not None and a >= b,
    }
    if op not in ops:
        raise _invalid(q)
    compare = ops[op]
    return lambda f: compare(get(f), value)


def compile_query(q: str | None) -> Predicate:
    if not q or not q.strip():
        return lambda f: True
    return _Parser(q).parse()
