"""batchUpdate requests on sheets (tabs) and spreadsheet properties."""

from __future__ import annotations

import copy
from typing import Any

from . import fields
from .batch_common import Ctx, RequestError, color, grow_check, sheet_of
from .model import Sheet
from .sheets_read import sheet_properties


def add_sheet(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    props = copy.deepcopy(req.get("properties") or {})
    book = ctx.book
    title = props.get("title")
    if title is None:
        n = len(book.sheets) + 1
        while book.by_title_ci(f"Sheet{n}"):
            n += 1
        title = f"Sheet{n}"
    if book.by_title_ci(title):
        raise RequestError(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ctx.rng.randint(1, 2**31 - 1)
        while book.by_id(sheet_id):
            sheet_id = ctx.rng.randint(1, 2**31 - 1)
    elif book.by_id(int(sheet_id)):
        raise RequestError(f"A sheet with the id {sheet_id} already exists.")
    grid = dict(props.get("gridProperties") or {})
    rows, cols = int(grid.pop("rowCount", 1000)), int(grid.pop("columnCount", 26))
    grow_check(ctx, rows * cols)
    index = props.get("index", len(book.sheets))
    for other in book.sheets:
        if other.props["index"] >= index:
            other.props["index"] += 1
    stored = {
        "sheetId": int(sheet_id),
        "title": title,
        "index": min(index, len(book.sheets)),
        "sheetType": props.get("sheetType", "GRID"),
        "gridProperties": grid,
    }
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if key in props:
            stored[key] = color(props[key]) if "Color" in key else props[key]
    sheet = Sheet.new(stored, rows, cols)
    book.sheets.append(sheet)
    book.reindex()
    return {"addSheet": {"properties": sheet_properties(sheet)}}


def delete_sheet(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet = sheet_of(ctx, req.get("sheetId"))
    if len(ctx.book.sheets) == 1:
        raise RequestError("You can't remove all the sheets in a document.")
    ctx.book.sheets.remove(sheet)
    ctx.book.named_ranges = [n for n in ctx.book.named_ranges if n["range"].get("sheetId", 0) != sheet.sheet_id]
    ctx.book.reindex()
    return None


def duplicate_sheet(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    source = sheet_of(ctx, req.get("sourceSheetId"))
    title = req.get("newSheetName") or f"Copy of {source.title}"
    reply = add_sheet(
        ctx,
        {
            "properties": {
                "title": title,
                "index": req.get("insertSheetIndex", len(ctx.book.sheets)),
                **({"sheetId": req["newSheetId"]} if "newSheetId" in req else {}),
                "gridProperties": {"rowCount": source.rows, "columnCount": source.cols},
            }
        },
    )
    new = ctx.book.by_title(title)
    assert new is not None
    new.cells = [dict(row) for row in source.cells]
    grid = dict(source.props.get("gridProperties") or {})
    new.props["gridProperties"] = {k: v for k, v in grid.items() if k not in ("rowCount", "columnCount")}
    reply["addSheet"]["properties"] = sheet_properties(new)
    return {"duplicateSheet": reply["addSheet"]}


def update_sheet_properties(ctx: Ctx, req: dict[str, Any]) -> None:
    props = req.get("properties") or {}
    sheet = sheet_of(ctx, props.get("sheetId"))
    mask = req.get("fields")
    if not mask:
        raise RequestError("At least one field must be specified in 'fields'.")
    before = sheet_properties(sheet)
    after = fields.copy_masked(before, props, mask)
    if after.get("sheetId") != sheet.sheet_id:
        raise RequestError("You can't change the sheetId of a sheet.")
    title = after.get("title")
    if not title:
        raise RequestError("The sheet title must not be empty.")
    other = ctx.book.by_title_ci(title)
    if other is not None and other is not sheet:
        raise RequestError(f'A sheet with the name "{title}" already exists. Please enter another name.')
    if after.get("hidden") and all(s.props.get("hidden") or s is sheet for s in ctx.book.sheets):
        raise RequestError("You can't hide all the sheets in a document.")
    grid = dict(after.get("gridProperties") or {})
    rows = int(grid.pop("rowCount", sheet.rows))
    cols = int(grid.pop("columnCount", sheet.cols))
    if rows < 1 or cols < 1:
        raise RequestError("The grid must have at least one row and one column.")
    for noun, frozen, count, current in (
        ("row", grid.get("frozenRowCount", 0), rows, sheet.rows),
        ("column", grid.get("frozenColumnCount", 0), cols, sheet.cols),
    ):
        if frozen and count <= frozen:
            if count < current:
                raise RequestError(f"Sorry, it is not possible to delete all non-frozen {noun}s.")
            raise RequestError(f"You can't freeze all visible {noun}s on the sheet.")
    grow_check(ctx, rows * cols - sheet.rows * sheet.cols)
    sheet.resize(rows, cols)
    new_index = after.get("index", sheet.props["index"])
    stored = {k: v for k, v in after.items() if k not in ("gridProperties",)}
    for key in ("tabColor", "tabColorStyle"):
        if key in stored and isinstance(stored[key], dict):
            stored[key] = color(stored[key])
            if not stored[key] or stored[key] == {"rgbColor": {}}:
                stored.pop(key)
        elif key in stored and stored[key] is None:
            stored.pop(key)
    stored["gridProperties"] = grid
    stored["index"] = sheet.props["index"]
    sheet.props = stored
    if new_index != sheet.props["index"]:
        order = [s for s in ctx.book.ordered() if s is not sheet]
        order.insert(min(int(new_index), len(order)), sheet)
        for i, s in enumerate(order):
            s.props["index"] = i
    return None


def update_spreadsheet_properties(ctx: Ctx, req: dict[str, Any]) -> None:
    mask = req.get("fields")
    if not mask:
        raise RequestError("At least one field must be specified in 'fields'.")
    public = {k: v for k, v in ctx.book.props.items() if not k.startswith("_")}
    private = {k: v for k, v in ctx.book.props.items() if k.startswith("_")}
    updated = fields.copy_masked(public, req.get("properties") or {}, mask)
    if not updated.get("title"):
        raise RequestError("The spreadsheet title must not be empty.")
    ctx.book.props = {**updated, **private}
    return None
