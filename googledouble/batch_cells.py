"""batchUpdate requests on cells: contents, formats, validation, merges, paste, filters."""

from __future__ import annotations

import copy
from typing import Any

from . import formulas, values
from .a1 import quote_title, rect_a1
from .batch_common import (
    EMPTY_CELL,
    CellUpdate,
    Ctx,
    RequestError,
    check_cell_text,
    grow_check,
    range_box,
    same,
    sheet_of,
)
from .grid import strip_zero_sheet


def update_cells(ctx: Ctx, req: dict[str, Any]) -> None:
    mask = req.get("fields")
    if not mask:
        raise RequestError("At least one field must be specified.")
    rows = req.get("rows") or []
    for row in rows:
        for cell in row.get("values") or []:
            check_cell_text(cell or {})
    if "range" in req:
        sheet, (r0, r1, c0, c1) = range_box(ctx, req["range"])
        cover_all = True
    else:
        start = req.get("start") or {}
        sheet = sheet_of(ctx, start.get("sheetId", 0))
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        r1 = r0 + len(rows)
        c1 = c0 + max((len(r.get("values") or []) for r in rows), default=0)
        if r1 > sheet.rows or c1 > sheet.cols:

            raise RequestError(
                f"Range ({quote_title(sheet.title)}!{rect_a1(r0, r1, c0, c1)}) exceeds grid limits. "
                f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
            )
        cover_all = False
    ctx.check_edit(sheet, (r0, r1, c0, c1))
    update = CellUpdate(mask)
    stored = sheet.cells
    for r in range(r0, r1):
        provided = (rows[r - r0].get("values") or []) if r - r0 < len(rows) else []
        for c in range(c0, c1):
            if c - c0 < len(provided):
                new = provided[c - c0] or EMPTY_CELL
            elif cover_all:
                new = EMPTY_CELL
            else:
                continue
            old = stored[r].get(c)
            after = update(old, new)
            if after is not old:
                sheet.put(r, c, after)
    return None


def append_cells(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet = sheet_of(ctx, req.get("sheetId"))
    rows = req.get("rows") or []
    last_row, _ = sheet.last_used()
    need = last_row + len(rows) - sheet.rows
    if need > 0:
        grow_check(ctx, need * sheet.cols)
        sheet.resize(sheet.rows + need, None)
    width = max((len(r.get("values") or []) for r in rows), default=0)
    if width > sheet.cols:
        sheet.resize(None, width)
    update_cells(
        ctx,
        {
            "rows": rows,
            "fields": req.get("fields") or "*",
            "start": {"sheetId": sheet.sheet_id, "rowIndex": last_row, "columnIndex": 0},
        },
    )
    return None


def repeat_cell(ctx: Ctx, req: dict[str, Any]) -> None:
    mask = req.get("fields")
    if not mask:
        raise RequestError("At least one field must be specified.")
    cell = req.get("cell") or {}
    check_cell_text(cell)
    sheet, (r0, r1, c0, c1) = range_box(ctx, req.get("range") or {})
    ctx.check_edit(sheet, (r0, r1, c0, c1))
    update = CellUpdate(mask)
    stored = sheet.cells
    for r in range(r0, r1):
        for c in range(c0, c1):
            old = stored[r].get(c)
            after = update(old, cell)
            if after is not old:  # a cell left as it was is not written: its row stays shared (model.py)
                sheet.put(r, c, after)
    return None


def set_data_validation(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, (r0, r1, c0, c1) = range_box(ctx, req.get("range") or {})
    check_condition(ctx, (req.get("rule") or {}).get("condition"))
    ctx.check_edit(sheet, (r0, r1, c0, c1))
    rule = copy.deepcopy(req.get("rule"))  # one copy shared by the cells: stored cells are never changed in place
    done: dict[int, tuple[Any, dict[str, Any] | None]] = {}  # id(old cell) -> (old, new): alike cells share one
    stored = sheet.cells
    for r in range(r0, r1):
        for c in range(c0, c1):
            old = stored[r].get(c)
            hit = done.get(id(old))
            if hit is None:
                cell = dict(old or {})
                if rule:
                    cell["dataValidation"] = rule
                else:
                    cell.pop("dataValidation", None)
                hit = done[id(old)] = (old, old if same(cell or None, old) else cell or None)
            if hit[1] is not old:
                sheet.put(r, c, hit[1])
    return None


def _merge_within(merge: dict[str, Any], box: tuple[int, int, int, int]) -> bool:
    r0, r1, c0, c1 = box
    return bool(
        merge["startRowIndex"] >= r0
        and merge["endRowIndex"] <= r1
        and merge["startColumnIndex"] >= c0
        and merge["endColumnIndex"] <= c1
    )


def _intersects(merge: dict[str, Any], box: tuple[int, int, int, int]) -> bool:
    r0, r1, c0, c1 = box
    return bool(
        merge["startRowIndex"] < r1
        and r0 < merge["endRowIndex"]
        and merge["startColumnIndex"] < c1
        and c0 < merge["endColumnIndex"]
    )


def merge_cells(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, box = range_box(ctx, req.get("range") or {})
    r0, r1, c0, c1 = box
    for merge in sheet.merges:
        if _intersects(merge, box) and not _merge_within(merge, box):
            raise RequestError("You must select all cells in a merged range to merge or unmerge them.")
    sheet.merges = [m for m in sheet.merges if not _merge_within(m, box)]
    kind = req.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ROWS":
        parts = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    elif kind == "MERGE_COLUMNS":
        parts = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    else:
        parts = [box]
    for pr0, pr1, pc0, pc1 in parts:
        if (pr1 - pr0) * (pc1 - pc0) <= 1:
            continue
        sheet.merges.append(
            {
                "sheetId": sheet.sheet_id,
                "startRowIndex": pr0,
                "endRowIndex": pr1,
                "startColumnIndex": pc0,
                "endColumnIndex": pc1,
            }
        )
        for r in range(pr0, pr1):
            for c in range(pc0, pc1):
                if (r, c) != (pr0, pc0):
                    cell = dict(sheet.get(r, c) or {})
                    cell.pop("userEnteredValue", None)
                    sheet.put(r, c, cell or None)
    return None


def unmerge_cells(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, box = range_box(ctx, req.get("range") or {})
    sheet.merges = [m for m in sheet.merges if not _intersects(m, box)]
    return None


def _paste(cell: dict[str, Any] | None, old: dict[str, Any] | None, paste_type: str) -> dict[str, Any] | None:
    if paste_type == "PASTE_VALUES":
        result = dict(old or {})
        if cell and "userEnteredValue" in cell:
            result["userEnteredValue"] = cell["userEnteredValue"]
        else:
            result.pop("userEnteredValue", None)
        return result or None
    if paste_type == "PASTE_FORMAT":
        result = dict(old or {})
        if cell and "userEnteredFormat" in cell:
            result["userEnteredFormat"] = cell["userEnteredFormat"]
        else:
            result.pop("userEnteredFormat", None)
        return result or None
    return dict(cell) if cell else None


def copy_paste(ctx: Ctx, req: dict[str, Any]) -> None:
    src_sheet, (r0, r1, c0, c1) = range_box(ctx, req.get("source") or {})
    dst_sheet, (d0, d1, e0, e1) = range_box(ctx, req.get("destination") or {})
    block = [[src_sheet.get(r, c) for c in range(c0, c1)] for r in range(r0, r1)]
    height, width = r1 - r0, c1 - c0
    if req.get("pasteOrientation") == "TRANSPOSE":
        block = [list(col) for col in zip(*block, strict=True)]
        height, width = width, height
    rows_to = max(d1 - d0, height) if (d1 - d0) % max(height, 1) == 0 else height
    cols_to = max(e1 - e0, width) if (e1 - e0) % max(width, 1) == 0 else width
    paste_type = req.get("pasteType", "PASTE_NORMAL")
    for i in range(rows_to):
        for j in range(cols_to):
            r, c = d0 + i, e0 + j
            if r < dst_sheet.rows and c < dst_sheet.cols and height and width:
                dst_sheet.put(r, c, _paste(block[i % height][j % width], dst_sheet.get(r, c), paste_type))
    return None


def cut_paste(ctx: Ctx, req: dict[str, Any]) -> None:
    src_sheet, (r0, r1, c0, c1) = range_box(ctx, req.get("source") or {})
    dest = req.get("destination") or {}
    dst_sheet = sheet_of(ctx, dest.get("sheetId", 0))
    block = [[src_sheet.get(r, c) for c in range(c0, c1)] for r in range(r0, r1)]
    for r in range(r0, r1):
        for c in range(c0, c1):
            src_sheet.put(r, c, None)
    d0, e0 = int(dest.get("rowIndex", 0)), int(dest.get("columnIndex", 0))
    paste_type = req.get("pasteType", "PASTE_NORMAL")
    for i, row in enumerate(block):
        for j, cell in enumerate(row):
            if d0 + i < dst_sheet.rows and e0 + j < dst_sheet.cols:
                dst_sheet.put(d0 + i, e0 + j, _paste(cell, dst_sheet.get(d0 + i, e0 + j), paste_type))
    return None


def set_basic_filter(ctx: Ctx, req: dict[str, Any]) -> None:
    flt = copy.deepcopy(req.get("filter") or {})
    sheet, box = range_box(ctx, flt.get("range") or {})
    r0, r1, c0, c1 = box
    flt["range"] = {
        "sheetId": sheet.sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }
    sheet.basic_filter = flt
    return None


def clear_basic_filter(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet_of(ctx, req.get("sheetId")).basic_filter = None
    return None


def add_conditional_format_rule(ctx: Ctx, req: dict[str, Any]) -> None:
    rule = copy.deepcopy(req.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise RequestError("A conditional format rule must have at least one range.")
    check_condition(ctx, (rule.get("booleanRule") or {}).get("condition"))
    sheet = sheet_of(ctx, ranges[0].get("sheetId", 0))
    rule["ranges"] = [{"sheetId": sheet.sheet_id, **r} for r in ranges]
    index = int(req.get("index", len(sheet.conditional_formats)))
    sheet.conditional_formats.insert(index, rule)
    return None


def check_condition(ctx: Ctx, condition: dict[str, Any] | None) -> None:
    """Refuse a custom formula that does not parse in the spreadsheet's locale (a `,` between arguments
    where the decimal separator is a comma). Google refuses a bad condition value with 400 "Invalid
    ConditionValue.userEnteredValue: <value> for ConditionType: <type>" (recorded for a data validation
    range without its "="); that it refuses a custom formula that does not parse the same way, rather
    than storing a rule that never matches, is assumed."""
    if not condition or condition.get("type") != "CUSTOM_FORMULA":
        return
    comma = values.decimal_comma(ctx.book.props.get("locale"))
    for value in condition.get("values") or []:
        entered = str(value.get("userEnteredValue", ""))
        if formulas.syntax_error(entered, decimal_comma=comma) is not None:
            raise RequestError(f"Invalid ConditionValue.userEnteredValue: {entered} for ConditionType: CUSTOM_FORMULA")


def delete_conditional_format_rule(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    sheet = sheet_of(ctx, req.get("sheetId"))
    index = int(req.get("index", 0))
    if not 0 <= index < len(sheet.conditional_formats):
        raise RequestError(f"No conditional format rule at index {index}.")
    rule = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": {**rule, "ranges": [strip_zero_sheet(r) for r in rule["ranges"]]}}}
