"""Shared pieces of the ``spreadsheets.batchUpdate`` request handlers."""

from __future__ import annotations

import functools
import math
import random
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import fields, values
from .a1 import open_rect_a1, quote_title
from .grid import grid_rect
from .metadata import RequestError
from .model import MAX_CELLS, Sheet, Spreadsheet
from .protection import check_edit

__all__ = ["RequestError"]


@dataclass
class Ctx:
    book: Spreadsheet
    rng: random.Random
    owner: str  # the requesting user
    api: bool = False  # a request through the API (protections apply), not a person's edit in a test
    quirks: frozenset[str] = frozenset()  # GoogleDouble.quirks: behaviours broken on purpose (double.QUIRKS)
    freed: set[int] = field(default_factory=set)  # metadata ids deleted earlier in this batch

    def check_edit(self, sheet: Sheet, box: tuple[int, int, int, int]) -> None:
        """Refuse, as Google does, an API edit of cells a protection keeps from the requesting user."""
        if self.api:
            check_edit(self.book, sheet, box, self.owner)


Handler = Callable[[Ctx, dict[str, Any]], dict[str, Any] | None]


def sheet_of(ctx: Ctx, sheet_id: Any) -> Sheet:
    sheet = ctx.book.by_id(int(sheet_id or 0))
    if sheet is None:
        raise RequestError(f"No grid with id: {sheet_id or 0}")
    return sheet


def range_box(ctx: Ctx, rng: dict[str, Any], must_start_inside: bool = True) -> tuple[Sheet, tuple[int, int, int, int]]:
    sheet = sheet_of(ctx, rng.get("sheetId", 0))
    rect = grid_rect(rng)
    outside = (rect.start_row or 0) >= sheet.rows or (rect.start_col or 0) >= sheet.cols
    empty = rect.end_row == rect.start_row or rect.end_col == rect.start_col
    if must_start_inside and outside and not empty:
        raise RequestError(
            f"Range ({quote_title(sheet.title)}!{open_rect_a1(rect)}) exceeds grid limits. "
            f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
        )
    return sheet, rect.clamp(sheet.rows, sheet.cols)


def grow_check(ctx: Ctx, added: int) -> None:
    if ctx.book.total_cells() + added > MAX_CELLS:
        raise RequestError(
            f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells."
        )


def check_cell_text(cell: dict[str, Any]) -> None:
    if values.extended_text_length(cell.get("userEnteredValue")) > values.MAX_CELL_CHARS:
        raise RequestError(values.TOO_LONG)


Memo = dict[Any, Any]


def apply_cell(old: dict[str, Any] | None, new: dict[str, Any] | None, mask: str,
               memo: Memo | None = None) -> dict[str, Any] | None:
    """The cell ``old`` after an update of the fields in ``mask`` from ``new`` (None: the cell is empty).

    Stored values (formats, validation rules, ...) are shared between cells and never changed in
    place: a field the mask does not touch keeps its object, and a field it changes is built once per
    request for each (old value, new value) pair of objects (``memo``, one per request), so a
    repeatCell over a column of alike cells stores one new format, not a copy per cell.
    """
    old = old or {}
    new = new or {}
    plan = _cell_plan(mask)
    memo = {} if memo is None else memo
    if plan is None:  # "*": the new cell as given
        result = dict(new)
    else:
        result = dict(old)
        for key, leaves in plan:
            src = new.get(key) if isinstance(new, dict) else None
            if leaves is None:  # the whole field
                if src is None:
                    result.pop(key, None)
                else:
                    result[key] = src
                continue
            present = key in result
            before = result.get(key)
            memo_key = (key, present, id(before), id(src))
            hit = memo.get(memo_key)
            if hit is None:
                hit = memo[memo_key] = (before, src, *_merge_field(key, present, before, new, leaves))
            _, _, after, moved = hit
            if after is _ABSENT:
                result.pop(key, None)
            elif moved:  # cleared on the way and set again: it goes last, as in a dict
                result.pop(key, None)
                result[key] = after
            else:
                result[key] = after
    fmt = result.get("userEnteredFormat")
    if isinstance(fmt, dict):
        styled = memo.get(("styles", id(fmt)))
        if styled is None:
            styled = memo[("styles", id(fmt))] = (fmt, with_styles(fmt))
        result["userEnteredFormat"] = styled[1]
    return {k: v for k, v in result.items() if v not in (None, {}, "")} or None


_ABSENT = object()
EMPTY_CELL: dict[str, Any] = fields.EMPTY  # a cell given as null or left out (frozen)


class CellUpdate:
    """`apply_cell` for the cells of one request with one mask: a cell is computed once per pair of
    (old cell, new cell) objects and the result shared, as stored cells are never changed in place."""

    def __init__(self, mask: str) -> None:
        self.mask = mask
        self.memo: Memo = {}
        self.done: dict[tuple[int, int], tuple[Any, Any, dict[str, Any] | None]] = {}

    def __call__(self, old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any] | None:
        """The cell after the update: ``old`` itself when the update leaves it as it was."""
        key = (id(old), id(new))
        hit = self.done.get(key)
        if hit is None:  # the pair is kept, so the ids are not reused while the request runs
            after = apply_cell(old, new, self.mask, self.memo)
            hit = self.done[key] = (old, new, old if same(after, old) else after)
        return hit[2]


def same(a: Any, b: Any) -> bool:
    """Whether two JSON values are written alike: equal, with dict keys in the same order and numbers
    of the same type (``1 == 1.0 == True`` in Python, not in JSON)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@functools.lru_cache(maxsize=512)
def _cell_plan(mask: str) -> tuple[tuple[str, tuple[tuple[str, ...], ...] | None], ...] | None:
    """An update mask grouped by top-level field, in the mask's order: (field, its leaf paths, or
    None when the whole field is named); None for ``*``."""
    leaves = fields.update_paths(mask)
    if leaves is None:
        return None
    groups: dict[str, list[tuple[str, ...]] | None] = {}
    for path in leaves:
        if len(path) == 1:
            groups[path[0]] = None
        else:
            group = groups.setdefault(path[0], [])
            if group is not None:
                group.append(path)
    return tuple((key, None if group is None else tuple(group)) for key, group in groups.items())


def _merge_field(key: str, present: bool, before: Any, new: dict[str, Any],
                 leaves: tuple[tuple[str, ...], ...]) -> tuple[Any, bool]:
    """Field ``key`` after copying the nested ``leaves`` from ``new``, one after the other (as
    `fields.copy_masked` does): (its value or _ABSENT, whether it was cleared on the way or new)."""
    work = {key: before} if present else {}
    moved = not present
    for path in leaves:
        fields.copy_path(work, new, path)
        if key not in work:
            moved = True
    return work.get(key, _ABSENT), moved


def with_styles(fmt: dict[str, Any]) -> dict[str, Any]:
    """Google mirrors colours into their ``*Style`` twins, and an RGB style back into the colour.

    ``fmt`` is not changed: a copy is made only when a colour is mirrored, else ``fmt`` is returned."""
    text = fmt.get("textFormat")
    text_out = _mirrored(text, "foregroundColor") if isinstance(text, dict) else text
    out = _mirrored(fmt, "backgroundColor")
    if text_out is not text:
        out = dict(out) if out is fmt else out
        out["textFormat"] = text_out
    return out


def _mirrored(fmt: dict[str, Any], name: str) -> dict[str, Any]:
    style = fmt.get(name + "Style")
    if name in fmt and style is None:
        return {**fmt, name + "Style": {"rgbColor": fmt[name]}}
    if isinstance(style, dict) and "rgbColor" in style and name not in fmt:
        return {**fmt, name: style["rgbColor"]}
    return fmt


def color(value: dict[str, Any]) -> dict[str, Any]:
    """Colours as Google stores them: 8 bits a channel, float32 precision, zero channels omitted."""
    out: dict[str, Any] = {}
    for key, number in value.items():
        if number is None:
            continue
        if isinstance(number, dict):
            inner = color(number)
            if inner or key == "rgbColor":
                out[key] = inner
        elif isinstance(number, (int, float)) and not isinstance(number, bool):
            quantised = math.floor(float(number) * 255 + 1e-6) / 255 if key != "alpha" else float(number)
            if quantised:
                f32 = struct.unpack("f", struct.pack("f", quantised))[0]
                out[key] = values.num_out(float(f"{f32:.8g}"))
        else:
            out[key] = number
    return out
