"""Protected ranges: who may edit them, and the refusal of an API edit its requester may not make.

Google lets the spreadsheet's owner and a protection's editors edit a protected range
(a warning-only protection lets everyone); anyone else's batchUpdate that changes a
protected cell fails as a whole with HTTP 400 and a message naming no subrequest:
"You are trying to edit a protected cell or object. ..." (as gspread users report it).
"""

from __future__ import annotations

from typing import Any

from .errors import protected_cell
from .grid import Box, grid_rect
from .model import Sheet, Spreadsheet


def may_edit(prot: dict[str, Any], owner: str | None, user: str) -> bool:
    if prot.get("warningOnly") or user == owner:
        return True
    return user in ((prot.get("editors") or {}).get("users") or [])


def _box(book: Spreadsheet, sheet: Sheet, rng: dict[str, Any]) -> Box:
    return grid_rect(rng).clamp(sheet.rows, sheet.cols)


def _protected_box(book: Spreadsheet, sheet: Sheet, prot: dict[str, Any]) -> Box | None:
    rng = prot.get("range")
    if rng is None and "namedRangeId" in prot:
        named = next((n for n in book.named_ranges if n["namedRangeId"] == prot["namedRangeId"]), None)
        rng = named["range"] if named else None
    if rng is None or int(rng.get("sheetId", 0)) != sheet.sheet_id:
        return None
    return _box(book, sheet, rng)


def _inside(cell: tuple[int, int], box: Box) -> bool:
    return box[0] <= cell[0] < box[1] and box[2] <= cell[1] < box[3]


def check_edit(book: Spreadsheet, sheet: Sheet, box: Box, user: str) -> None:
    """Raise Google's refusal if `user` may not change some cell of `box` on `sheet`."""
    owner = book.props.get("_owner")
    for prot in sheet.protected_ranges:
        if may_edit(prot, owner, user):
            continue
        guarded = _protected_box(book, sheet, prot)
        if guarded is None:
            continue
        free = [_box(book, sheet, r) for r in prot.get("unprotectedRanges") or []]
        for r in range(max(box[0], guarded[0]), min(box[1], guarded[1])):
            for c in range(max(box[2], guarded[2]), min(box[3], guarded[3])):
                if not any(_inside((r, c), f) for f in free):
                    raise protected_cell()
