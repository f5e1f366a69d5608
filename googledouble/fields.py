"""Partial-response field masks (the ``fields`` system parameter) and update masks.

Accepts Google's syntax: ``a,b(c,d)``, paths with ``.`` or ``/`` (``gridProperties/rowCount``),
``*`` for everything, and nesting such as
``sheets(properties(sheetId,title),data(rowData(values(userEnteredValue))))``.
"""

from __future__ import annotations

from typing import Any

Mask = dict[str, "Mask | None"]


class MaskError(ValueError):
    pass


def parse(text: str) -> Mask:
    """Parse a field mask into a tree: ``{name: subtree or None (= all)}``."""
    pos, tree = _parse_list(text.replace(" ", ""), 0)
    if pos != len(text.replace(" ", "")):
        raise MaskError(f"Invalid field selection {text}")
    return tree


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
    if mask is None or "*" in mask:
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


def copy_masked(target: dict[str, Any], source: dict[str, Any], mask_text: str) -> dict[str, Any]:
    """Apply an update mask: each masked path is copied from ``source`` or cleared if absent.

    ``*`` stands for every field, so the result is ``source`` itself.
    """
    result = dict(target)
    mask = parse(mask_text)
    if "*" in mask:
        return dict(source)
    for path in paths(mask):
        _copy_path(result, source, list(path))
    return result


def _copy_path(target: dict[str, Any], source: Any, path: list[str]) -> None:
    key = path[0]
    src_value = source.get(key) if isinstance(source, dict) else None
    if len(path) == 1:
        if src_value is None:
            target.pop(key, None)
        else:
            target[key] = src_value
        return
    child = dict(target.get(key) or {})
    _copy_path(child, src_value or {}, path[1:])
    if child:
        target[key] = child
    else:
        target.pop(key, None)
