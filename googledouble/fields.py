"""Partial-response field masks (the ``fields`` system parameter) and update masks.

Accepts Google's syntax: ``a,b(c,d)``, paths with ``.`` or ``/`` (``gridProperties/rowCount``),
``*`` for everything, and nesting such as
``sheets(properties(sheetId,title),data(rowData(values(userEnteredValue))))``.
"""

from __future__ import annotations

import functools
from typing import Any, NoReturn

Mask = dict[str, "Mask | None"]


class MaskError(ValueError):
    pass


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict shared by many holders, which refuses to be changed: a parsed mask (`parse` caches
    them) or the empty object standing for every empty cell and row of an answer (`EMPTY`)."""

    def _frozen(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("this dict is shared (a parsed field mask, or an empty cell or row) and cannot be changed")

    __setitem__ = __delitem__ = pop = popitem = clear = update = setdefault = __ior__ = _frozen

    def __reduce__(self) -> tuple[Any, ...]:
        return FrozenDict, (dict(self),)


EMPTY: dict[str, Any] = FrozenDict()  # an empty object in an answer, shared (an empty cell or row)


class Masked(list):  # type: ignore[type-arg]
    """A list a handler has already cut down to the request's field mask: `apply` leaves it as it is."""


def parse(text: str) -> Mask:
    """Parse a field mask into a tree: ``{name: subtree or None (= all)}``.

    Parsed once per text (cached); the tree is shared, so it is frozen (`FrozenDict`).
    """
    return _parse_cached(text)


@functools.lru_cache(maxsize=512)
def _parse_cached(text: str) -> Mask:
    pos, tree = _parse_list(text.replace(" ", ""), 0)
    if pos != len(text.replace(" ", "")):
        raise MaskError(f"Invalid field selection {text}")
    return _freeze(tree)


def _freeze(tree: Mask) -> Mask:
    return FrozenDict({k: None if v is None else _freeze(v) for k, v in tree.items()})


def _parse_list(text: str, pos: int) -> tuple[int, Mask]:
    tree: Mask = {}
    while pos < len(text):
        pos, path = _parse_path(text, pos)
        sub: Mask | None = None
        if pos < len(text) and text[pos] == "(":
            pos, sub = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise MaskError(f"Invalid field selection {text}")
            pos += 1
        _merge(tree, path, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return pos, tree


def _parse_path(text: str, pos: int) -> tuple[int, list[str]]:
    names: list[str] = []
    start = pos
    while pos < len(text) and text[pos] not in ",()":
        pos += 1
    segment = text[start:pos]
    if not segment:
        raise MaskError(f"Invalid field selection {text}")
    for part in segment.replace("/", ".").split("."):
        if not part:
            raise MaskError(f"Invalid field selection {text}")
        names.append(part)
    return pos, names


def _merge(tree: Mask, path: list[str], sub: Mask | None) -> None:
    node = tree
    for name in path[:-1]:
        child = node.get(name, {})
        if child is None:
            return  # already selected whole
        node[name] = child
        node = child
    last = path[-1]
    if sub is None or node.get(last, {}) is None:
        node[last] = None
        return
    existing = node.get(last) or {}
    for key, value in sub.items():
        _merge(existing, [key], value)
    node[last] = existing


def apply(value: Any, mask: Mask | None) -> Any:
    """Keep only the masked fields; keys absent from ``value`` stay absent."""
    if mask is None or "*" in mask or isinstance(value, Masked):
        return value
    if isinstance(value, list):
        if all(sub is None for sub in mask.values()):  # leaves only (cells, most often): no call per item
            return [{k: item[k] for k in mask if k in item} if isinstance(item, dict) else item for item in value]
        return [apply(item, mask) for item in value]
    if isinstance(value, dict):  # a leaf (sub is None) is kept whole, without a call
        return {key: value[key] if sub is None else apply(value[key], sub) for key, sub in mask.items() if key in value}
    return value


def paths(mask: Mask, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Flatten a mask into leaf paths (for update masks such as ``gridProperties.rowCount``)."""
    out: list[tuple[str, ...]] = []
    for key, sub in mask.items():
        if sub is None:
            out.append((*prefix, key))
        else:
            out.extend(paths(sub, (*prefix, key)))
    return out


@functools.lru_cache(maxsize=512)
def update_paths(mask_text: str) -> tuple[tuple[str, ...], ...] | None:
    """The leaf paths of an update mask, parsed once per text; None for ``*`` (every field)."""
    mask = parse(mask_text)
    if "*" in mask:
        return None
    return tuple(paths(mask))


def copy_masked(target: dict[str, Any], source: dict[str, Any], mask_text: str) -> dict[str, Any]:
    """Apply an update mask: each masked path is copied from ``source`` or cleared if absent.

    ``*`` stands for every field, so the result is ``source`` itself.
    """
    leaves = update_paths(mask_text)
    if leaves is None:
        return dict(source)
    result = dict(target)
    for path in leaves:
        copy_path(result, source, path)
    return result


def copy_path(target: dict[str, Any], source: Any, path: tuple[str, ...] | list[str]) -> None:
    """One leaf of an update mask: ``target[path]`` becomes ``source[path]``, or is cleared if absent.
    Dicts on the way are copied, never changed in place (they may be shared)."""
    key = path[0]
    src_value = source.get(key) if isinstance(source, dict) else None
    if len(path) == 1:
        if src_value is None:
            target.pop(key, None)
        else:
            target[key] = src_value
        return
    child = dict(target.get(key) or {})
    copy_path(child, src_value or {}, path[1:])
    if child:
        target[key] = child
    else:
        target.pop(key, None)
