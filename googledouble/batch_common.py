"""Shared pieces of the ``spreadsheets.batchUpdate`` request handlers."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import fields, values
from .a1 import open_rect_a1
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
        from .a1 import quote_title

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


def apply_cell(old: dict[str, Any] | None, new: dict[str, Any] | None, mask: str) -> dict[str, Any] | None:
    result = fields.copy_masked(old or {}, new or {}, mask)
    fmt = result.get("userEnteredFormat")
    if isinstance(fmt, dict):
        result["userEnteredFormat"] = with_styles(fmt)
    return {k: v for k, v in result.items() if v not in (None, {}, "")} or None


def with_styles(fmt: dict[str, Any]) -> dict[str, Any]:
    """Google mirrors colours into their ``*Style`` twins, and an RGB style back into the colour."""
    fmt = copy.deepcopy(fmt)
    _mirror(fmt, "backgroundColor")
    text = fmt.get("textFormat")
    if isinstance(text, dict):
        _mirror(text, "foregroundColor")
    return fmt


def _mirror(fmt: dict[str, Any], name: str) -> None:
    style = fmt.get(name + "Style")
    if name in fmt and style is None:
        fmt[name + "Style"] = {"rgbColor": fmt[name]}
    elif isinstance(style, dict) and "rgbColor" in style and name not in fmt:
        fmt[name] = style["rgbColor"]


def color(value: dict[str, Any]) -> dict[str, Any]:
    """Colours as Google stores them: 8 bits a channel, float32 precision, zero channels omitted."""
    import math
    import struct

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
