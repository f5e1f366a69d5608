"""A small formula evaluator, enough to give formulas an ``effectiveValue``.

It knows arithmetic, text concatenation, comparisons, references to cells
and ranges, and a handful of functions. Anything else evaluates to ``#NAME?``
(unknown function) or ``#ERROR!`` (unparsable), which is what Sheets shows,
so a test can still see that a cell holds a live formula.
References are not rebased when rows move: stored text is kept verbatim.

Argument separators follow the spreadsheet's locale, as Google parses a formula written through the
API in the spreadsheet's locale: where the decimal separator is a comma (``id_ID``, ``de_DE``,
``tr_TR``, ...) a ``,`` is a decimal comma inside a number (``1,5``) and anywhere else a parse error
(``#ERROR!``, "Formula parse error."), as reported for Turkish, German, Swedish, Dutch and
Argentinian spreadsheets (googleapis/google-api-nodejs-client#1994, cloudflare/cloudflare-docs#7616,
serpapi/public-roadmap#1684). ``;`` separates arguments in every locale (accepted everywhere since
2019: mricon/ingress-fieldplan#5).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from .a1 import parse_ref, split_sheet

Value = Any  # float | str | bool | FormulaError | list[list[Value]]
Resolver = Callable[[str | None, str], list[list[dict[str, Any] | None]]]
Height = Callable[[str | None, str], int]  # the rows a reference spans, without reading its cells


class FormulaError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


_PATTERN = r"""\s*(?:
    (?P<num>NUMBER)|
    (?P<str>"(?:[^"]|"")*")|
    (?P<ref>(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!\$?[A-Za-z]{0,3}\$?\d*(?::\$?[A-Za-z]{0,3}\$?\d*)?|
            \$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})|
    (?P<name>[A-Za-z_][A-Za-z0-9_.]*)|
    (?P<op><>|<=|>=|[-+*/^&=<>()%;OPS])
    )"""
_TOKEN = re.compile(  # a decimal-point locale (en_US): `,` and `;` both separate arguments
    _PATTERN.replace("NUMBER", r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+").replace("OPS", ","), re.X)
_TOKEN_DECIMAL_COMMA = re.compile(  # a decimal-comma locale (id_ID): `,` only inside a number, `;` separates
    _PATTERN.replace("NUMBER", r"\d+(?:,\d*)?(?:[eE][+-]?\d+)?|,\d+").replace("OPS", ""), re.X)


@functools.lru_cache(maxsize=256)
def _tokens(text: str, decimal_comma: bool = False) -> tuple[tuple[str, str], ...]:
    """A formula's tokens, split once per text (a tab's fingerprint formula is read on every look); in a
    decimal-comma locale a `,` outside a number does not parse."""
    out: list[tuple[str, str]] = []
    pos = 0
    token = _TOKEN_DECIMAL_COMMA if decimal_comma else _TOKEN
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = token.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaError("ERROR", "Formula parse error.")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind).strip()))
        pos = m.end()
    return tuple(out)


class _Parser:
    def __init__(self, text: str, resolve: Resolver, height: Height | None = None, decimal_comma: bool = False) -> None:
        self.height = height
        self.toks = _tokens(text, decimal_comma)
        self.i = 0
        self.resolve = resolve

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise FormulaError("ERROR", "Formula parse error.")

    def parse(self) -> Value:
        value = self.compare()
        if self.peek()[0] != "end":
            raise FormulaError("ERROR", "Formula parse error.")
        return value

    def compare(self) -> Value:
        left = self.concat()
        while self.peek()[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.concat()
            a, b = _scalar(left), _scalar(right)
            left = {
                "=": a == b,
                "<>": a != b,
                "<": a < b,
                ">": a > b,
                "<=": a <= b,
                ">=": a >= b,
            }[op]
        return left

    def concat(self) -> Value:
        left = self.additive()
        while self.peek()[1] == "&":
            self.take()
            left = _text(left) + _text(self.additive())
        return left

    def additive(self) -> Value:
        left = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = _number(self.term())
            left = _number(left) + right if op == "+" else _number(left) - right
        return left

    def term(self) -> Value:
        left = self.power()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = _number(self.power())
            if op == "*":
                left = _number(left) * right
            else:
                if right == 0:
                    raise FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
                left = _number(left) / right
        return left

    def power(self) -> Value:
        left = self.unary()
        while self.peek()[1] == "^":
            self.take()
            left = _number(left) ** _number(self.unary())
        return left

    def unary(self) -> Value:
        if self.peek()[1] in ("-", "+"):
            op = self.take()[1]
            value = _number(self.unary())
            return -value if op == "-" else value
        value = self.primary()
        while self.peek()[1] == "%":
            self.take()
            value = _number(value) / 100
        return value

    def primary(self) -> Value:
        kind, text = self.take()
        if kind == "num":
            return float(text.replace(",", "."))
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if text == "(":
            value = self.compare()
            self.expect(")")
            return value
        if kind == "ref":
            return self.reference(text)
        if kind == "name":
            if self.peek()[1] == "(":
                return self.call(text.upper())
            if text.upper() in ("TRUE", "FALSE"):
                return text.upper() == "TRUE"
            raise FormulaError("NAME", f"Unknown range name: '{text}'.")
        raise FormulaError("ERROR", "Formula parse error.")

    def reference(self, text: str) -> Value:
        title, ref = split_sheet(text.replace("$", ""))
        if parse_ref(ref) is None:
            raise FormulaError("REF", f"Unresolved reference {text}.")
        grid = self.resolve(title, ref)
        values = [[_from_extended(cell) for cell in row] for row in grid]
        if len(values) == 1 and len(values[0]) == 1:
            return values[0][0]
        return values

    def rows_of(self, text: str) -> Value:
        """ROW(range): the range's row numbers (a column), as SUMPRODUCT and array formulas see them."""
        self.expect(")")
        title, ref = split_sheet(text.replace("$", ""))
        rect = parse_ref(ref)
        if rect is None:
            raise FormulaError("REF", f"Unresolved reference {text}.")
        height = self.height(title, ref) if self.height is not None else len(self.resolve(title, ref))
        return [[float((rect.start_row or 0) + 1 + offset)] for offset in range(height)]

    def call(self, name: str) -> Value:
        self.expect("(")
        if name == "ROW" and self.peek()[0] == "ref":
            return self.rows_of(self.take()[1])
        args: list[Value] = []
        if self.peek()[1] != ")":
            args.append(self.compare())
            while self.peek()[1] in (",", ";"):
                self.take()
                args.append(self.compare())
        self.expect(")")
        func = _FUNCTIONS.get(name)
        if func is None:
            raise FormulaError("NAME", f"Unknown function: '{name.lower()}'.")
        return func(args)


def _from_extended(cell: dict[str, Any] | None) -> Value:
    if not cell:
        return None
    if "numberValue" in cell:
        return float(cell["numberValue"])
    if "stringValue" in cell:
        return cell["stringValue"]
    if "boolValue" in cell:
        return cell["boolValue"]
    if "errorValue" in cell:
        raise FormulaError(cell["errorValue"].get("type", "ERROR"), cell["errorValue"].get("message", ""))
    return None


def _scalar(value: Value) -> Value:
    if isinstance(value, list):
        value = value[0][0] if value and value[0] else None
    return value


def _number(value: Value) -> float:
    value = _scalar(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError as exc:
        raise FormulaError("VALUE", f"Function expects number values. But '{value}' is a text.") from exc


def _text(value: Value) -> str:
    value = _scalar(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _flat(args: list[Value]) -> list[Value]:
    out: list[Value] = []
    for arg in args:
        if isinstance(arg, list):
            out.extend(v for row in arg for v in row)
        else:
            out.append(arg)
    return out


def _sum(args: list[Value]) -> Value:
    return sum(v if isinstance(v, float) else 0.0 for v in _flat(args) if not isinstance(v, bool))


def _len(args: list[Value]) -> Value:
    """LEN of a value; of a range, the length of each cell (SUMPRODUCT evaluates its arguments as arrays)."""
    if isinstance(args[0], list):
        return [[float(len(_text(v))) for v in row] for row in args[0]]
    return float(len(_text(args[0])))


def _sumproduct(args: list[Value]) -> Value:
    """The sum of the element-wise products of same-sized arrays; text and blanks count as 0."""
    arrays = [a if isinstance(a, list) else [[a]] for a in args]
    shape = (len(arrays[0]), len(arrays[0][0]) if arrays[0] else 0)
    if any((len(a), len(a[0]) if a else 0) != shape for a in arrays):
        raise FormulaError("VALUE", "SUMPRODUCT has mismatched range sizes.")
    total = 0.0
    for r in range(shape[0]):
        for c in range(shape[1]):
            product = 1.0
            for a in arrays:
                v = a[r][c]
                product *= v if isinstance(v, float) and not isinstance(v, bool) else 0.0
            total += product
    return total


def _if(args: list[Value]) -> Value:
    condition = _scalar(args[0]) if args else False
    truthy = bool(_number(condition)) if not isinstance(condition, str) else bool(condition)
    if truthy:
        return args[1] if len(args) > 1 else True
    return args[2] if len(args) > 2 else False


def _hyperlink(args: list[Value]) -> Value:
    return _text(args[1]) if len(args) > 1 else _text(args[0])


_FUNCTIONS: dict[str, Callable[[list[Value]], Value]] = {
    "SUM": _sum,
    "CONCATENATE": lambda a: "".join(_text(v) for v in _flat(a)),
    "CONCAT": lambda a: "".join(_text(v) for v in _flat(a)),
    "UPPER": lambda a: _text(a[0]).upper(),
    "LOWER": lambda a: _text(a[0]).lower(),
    "TRIM": lambda a: " ".join(_text(a[0]).split()),
    "LEN": _len,
    "SUMPRODUCT": _sumproduct,
    "ROUND": lambda a: float(round(_number(a[0]), int(_number(a[1])) if len(a) > 1 else 0)),
    "ABS": lambda a: abs(_number(a[0])),
    "IF": _if,
    "HYPERLINK": _hyperlink,
    "COUNTA": lambda a: float(sum(1 for v in _flat(a) if v not in (None, ""))),
}


def syntax_error(formula: str, *, decimal_comma: bool) -> str | None:
    """Why ``=...`` does not parse in a locale (its tokens only: functions and references are not
    looked up), or None when it does."""
    try:
        _tokens(formula[1:] if formula.startswith("=") else formula, decimal_comma)
    except FormulaError as err:
        return err.message
    return None


def evaluate(formula: str, resolve: Resolver, depth: int = 0, height: Height | None = None, *,
             decimal_comma: bool = False) -> dict[str, Any]:
    """Evaluate ``=...`` and return an ExtendedValue (`decimal_comma`: the spreadsheet's locale writes 1,5)."""
    if depth > 50:
        return {"errorValue": {"type": "REF", "message": "Circular dependency detected."}}
    try:
        result = _Parser(formula[1:], resolve, height, decimal_comma).parse()
        result = _scalar(result)
    except FormulaError as err:
        return {"errorValue": {"type": err.kind, "message": err.message}}
    except (IndexError, TypeError, ValueError, OverflowError, ZeroDivisionError):
        return {"errorValue": {"type": "ERROR", "message": "Formula parse error."}}
    if result is None:
        return {"numberValue": 0}
    if isinstance(result, bool):
        return {"boolValue": result}
    if isinstance(result, float):
        return {"numberValue": int(result) if result.is_integer() and abs(result) < 2**53 else result}
    return {"stringValue": str(result)}
