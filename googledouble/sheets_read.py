"""The Spreadsheet resource as ``spreadsheets.get`` returns it."""

from __future__ import annotations

import copy
from typing import Any

from . import values
from .grid import Box, Evaluator, number_format, strip_zero_sheet
from .metadata import metadata_out
from .model import DEFAULT_COL_PIXELS, DEFAULT_ROW_PIXELS, Sheet, Spreadsheet
from .protection import may_edit

_ZERO_OMITTED_GRID = ("frozenRowCount", "frozenColumnCount")
_FALSE_OMITTED_GRID = ("hideGridlines", "rowGroupControlAfter", "columnGroupControlAfter")


def sheet_properties(sheet: Sheet) -> dict[str, Any]:
    props = copy.deepcopy(sheet.props)
    grid = dict(props.get("gridProperties") or {})
    grid["rowCount"] = sheet.rows
    grid["columnCount"] = sheet.cols
    for key in _ZERO_OMITTED_GRID:
        if not grid.get(key):
            grid.pop(key, None)
    for key in _FALSE_OMITTED_GRID:
        if not grid.get(key):
            grid.pop(key, None)
    ordered = {"rowCount": grid.pop("rowCount"), "columnCount": grid.pop("columnCount")}
    ordered.update(grid)
    out: dict[str, Any] = {
        "sheetId": props.pop("sheetId"),
        "title": props.pop("title"),
        "index": props.pop("index"),
        "sheetType": props.pop("sheetType", "GRID"),
        "gridProperties": ordered,
    }
    props.pop("gridProperties", None)
    if not props.get("hidden"):
        props.pop("hidden", None)
    if not props.get("rightToLeft"):
        props.pop("rightToLeft", None)
    out.update(props)
    return out


def cell_out(evaluator: Evaluator, sheet: Sheet, cell: dict[str, Any] | None, locale: str | None,
             wanted: frozenset[str] | None = None) -> dict[str, Any]:
    """A cell as the API shows it. Keys outside `wanted` (the ``fields`` mask drops them later) are
    kept only as markers, uncomputed and uncopied: the answer is the same, only faster."""
    if not cell:
        return {}
    out: dict[str, Any] = {}
    entered = cell.get("userEnteredValue")
    if entered:
        out["userEnteredValue"] = {k: values.num_out(v) if k == "numberValue" else v for k, v in entered.items()}
        if wanted is not None and not wanted & {"effectiveValue", "formattedValue"}:
            entered = None  # skip evaluating
        effective = evaluator.effective(sheet, cell) if entered else None
        if effective:
            out["effectiveValue"] = {k: values.num_out(v) if k == "numberValue" else v for k, v in effective.items()}
            text = values.formatted_value(effective, number_format(cell), locale)
            if text is not None:
                out["formattedValue"] = text
    for key in ("userEnteredFormat", "hyperlink", "note", "textFormatRuns", "dataValidation"):
        if cell.get(key):
            out[key] = copy.deepcopy(cell[key]) if wanted is None or key in wanted else True
    return out


def dimension_out(props: dict[str, Any] | None, default_px: int, metadata: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    props = props or {}
    if props.get("hiddenByUser"):
        out["hiddenByUser"] = True
    out["pixelSize"] = props.get("pixelSize", default_px)
    if metadata:
        out["developerMetadata"] = metadata
    return out


def _dimension_metadata_map(book: Spreadsheet, sheet: Sheet, kind: str) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for meta_id in sorted(book.metadata):
        where = book.metadata[meta_id]["where"]
        if where[0] == kind and where[1] == sheet.sheet_id:
            found.setdefault(where[2], []).append(metadata_out(book, meta_id))
    return found


def grid_data(book: Spreadsheet, sheet: Sheet, box: Box, cells: bool = True,
              wanted: frozenset[str] | None = None) -> dict[str, Any]:
    r0, r1, c0, c1 = box
    evaluator = Evaluator(book)
    locale = book.props.get("locale")
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    row_data: list[dict[str, Any]] = []
    for r in range(r0, r1 if cells else r0):
        row = sheet.cells[r]
        out_cells = [cell_out(evaluator, sheet, row.get(c), locale, wanted) for c in range(c0, c1)] if row else []
        while out_cells and not out_cells[-1]:
            out_cells.pop()
        row_data.append({"values": out_cells} if out_cells else {})
    while row_data and not row_data[-1]:
        row_data.pop()
    if row_data:
        out["rowData"] = row_data
    row_meta = _dimension_metadata_map(book, sheet, "ROW")
    col_meta = _dimension_metadata_map(book, sheet, "COLUMN")
    out["rowMetadata"] = [
        dimension_out(sheet.row_props.get(t), DEFAULT_ROW_PIXELS, row_meta.get(t, [])) for t in sheet.row_ids[r0:r1]
    ]
    out["columnMetadata"] = [
        dimension_out(sheet.col_props.get(t), DEFAULT_COL_PIXELS, col_meta.get(t, [])) for t in sheet.col_ids[c0:c1]
    ]
    return out


def sheet_out(book: Spreadsheet, sheet: Sheet, boxes: list[Box] | None, cells: bool = True,
              wanted: frozenset[str] | None = None, requester: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties(sheet)}
    if boxes is not None:
        out["data"] = [grid_data(book, sheet, box, cells, wanted) for box in boxes]
    if sheet.merges:
        out["merges"] = [strip_zero_sheet(m) for m in sheet.merges]
    if sheet.conditional_formats:
        out["conditionalFormats"] = [
            {**rule, "ranges": [strip_zero_sheet(r) for r in rule.get("ranges", [])]}
            for rule in sheet.conditional_formats
        ]
    if sheet.protected_ranges:
        out["protectedRanges"] = [
            protected_out(p, for_get=True, owner=book.props.get("_owner"), requester=requester)
            for p in sheet.protected_ranges
        ]
    if sheet.charts:
        out["charts"] = copy.deepcopy(sheet.charts)
    if sheet.basic_filter is not None:
        out["basicFilter"] = {**sheet.basic_filter, "range": strip_zero_sheet(sheet.basic_filter["range"])}
    sheet_meta = [
        metadata_out(book, meta_id)
        for meta_id in sorted(book.metadata)
        if book.metadata[meta_id]["where"] == ("SHEET", sheet.sheet_id)
    ]
    if sheet_meta:
        out["developerMetadata"] = sheet_meta
    return out


def protected_out(prot: dict[str, Any], for_get: bool, owner: str | None,
                  requester: str | None = None) -> dict[str, Any]:
    """A ProtectedRange; `requestingUserCanEdit` says whether `requester` may edit it (None: the owner asks)."""
    out: dict[str, Any] = {"protectedRangeId": prot["protectedRangeId"]}
    if "range" in prot:
        out["range"] = strip_zero_sheet(prot["range"])
    if "namedRangeId" in prot:
        out["namedRangeId"] = prot["namedRangeId"]
    if prot.get("description"):
        out["description"] = prot["description"]
    if prot.get("warningOnly"):
        out["warningOnly"] = True
    if requester is None or may_edit(prot, owner, requester):
        out["requestingUserCanEdit"] = True  # false is left out, as Google leaves out every false boolean
    editors = {k: list(v) for k, v in (prot.get("editors") or {}).items() if v and k != "domainUsersCanEdit"}
    if for_get and owner:
        users = editors.setdefault("users", [])
        if owner not in users:
            users.insert(0, owner)
    out["editors"] = editors
    if prot.get("unprotectedRanges"):
        out["unprotectedRanges"] = [strip_zero_sheet(r) for r in prot["unprotectedRanges"]]
    return out


def spreadsheet_out(
    book: Spreadsheet,
    grid: dict[int, list[Box]] | None,
    only_sheets: list[int] | None = None,
    cells: bool = True,
    wanted: frozenset[str] | None = None,
    requester: str | None = None,
) -> dict[str, Any]:
    """The Spreadsheet resource; ``grid`` maps sheetId -> boxes of grid data to include.

    ``cells=False`` leaves out ``rowData`` (when a field mask does not ask for it); ``wanted``
    names the only cell fields the mask keeps (None: all).
    """
    props = {k: v for k, v in book.props.items() if not k.startswith("_")}
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "properties": props}
    sheets = []
    for sheet in book.ordered():
        if only_sheets is not None and sheet.sheet_id not in only_sheets:
            continue
        boxes = None if grid is None else grid.get(sheet.sheet_id, [])
        sheets.append(sheet_out(book, sheet, boxes, cells, wanted, requester))
    out["sheets"] = sheets
    if book.named_ranges:
        out["namedRanges"] = [{**named, "range": strip_zero_sheet(named["range"])} for named in book.named_ranges]
    top_meta = [
        metadata_out(book, meta_id)
        for meta_id in sorted(book.metadata)
        if book.metadata[meta_id]["where"] == ("SPREADSHEET",)
    ]
    if top_meta:
        out["developerMetadata"] = top_meta
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
    return out
