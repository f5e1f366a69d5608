"""The Spreadsheet resource as ``spreadsheets.get`` returns it."""

from __future__ import annotations

import copy
from typing import Any

from . import fields, values
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


SHOWN_KEYS = ("userEnteredFormat", "hyperlink", "note", "textFormatRuns", "dataValidation")


def shows(cell: dict[str, Any]) -> bool:
    """Whether `cell_out` gives a stored cell any field: a value, a format, a link, a note, runs or a rule."""
    get = cell.get  # unrolled: this runs for every stored cell of a read
    return bool(get("userEnteredValue") or get("userEnteredFormat") or get("dataValidation") or get("note")
                or get("hyperlink") or get("textFormatRuns"))


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
        if wanted is not None and "effectiveValue" not in wanted and "formattedValue" not in wanted:
            entered = None  # skip evaluating
        effective = evaluator.effective(sheet, cell) if entered else None
        if effective:
            out["effectiveValue"] = {k: values.num_out(v) if k == "numberValue" else v for k, v in effective.items()}
            text = values.formatted_value(effective, number_format(cell), locale)
            if text is not None:
                out["formattedValue"] = text
    for key in SHOWN_KEYS:
        stored = cell.get(key)
        if stored:
            out[key] = evaluator.copy_of(stored) if wanted is None or key in wanted else True
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
              row_mask: fields.Mask | None = None, evaluator: Evaluator | None = None) -> dict[str, Any]:
    r0, r1, c0, c1 = box
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if cells:
        row_data = _row_data(evaluator or Evaluator(book), sheet, box, row_mask)
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


def _row_data(evaluator: Evaluator, sheet: Sheet, box: Box, row_mask: fields.Mask | None) -> list[dict[str, Any]]:
    """``rowData``: each row up to its last cell that shows anything, rows up to the last such row
    (Google trims both). Only the stored cells of a row are looked at, so empty rows and cells cost
    next to nothing. With `row_mask` (the ``fields`` mask under ``rowData``, not ``*``) each row is
    cut down to it here and the list is `fields.Masked`, so the mask is not walked a second time."""
    r0, r1, c0, c1 = box
    locale = evaluator.book.props.get("locale")
    cell_mask: fields.Mask | None = None  # None: cells whole
    wanted: frozenset[str] | None = None
    generic = False  # a row mask naming more than "values": applied to each row as it is
    if row_mask is not None:
        if set(row_mask) != {"values"}:
            generic = True
        else:
            cell_mask = row_mask["values"]
            if cell_mask is not None and "*" not in cell_mask:
                wanted = frozenset(cell_mask)
            else:
                cell_mask = None
    leaves_only = cell_mask is not None and all(sub is None for sub in cell_mask.values())
    # Under a mask, a cell with no value and none of the wanted stored fields comes out as {}: no call.
    wanted_stored = tuple(k for k in SHOWN_KEYS if wanted is None or k in wanted)
    data: list[dict[str, Any]] = []
    skipped = 0  # empty rows not yet written (trailing ones never are)
    rows = sheet.cells
    for r in range(r0, min(r1, len(rows))):
        row = rows[r]
        if not row:
            skipped += 1
            continue
        cols = sorted(row)
        if cols[0] < c0 or cols[-1] >= c1:
            cols = [c for c in cols if c0 <= c < c1]
        last = -1
        for c in reversed(cols):
            if shows(row[c]):
                last = c
                break
        if last < 0:
            skipped += 1
            continue
        if skipped:
            data.extend([fields.EMPTY] * skipped)
            skipped = 0
        out_cells: list[dict[str, Any]] = [fields.EMPTY] * (last + 1 - c0)  # empty cells share one frozen {}
        for c in cols:
            if c > last:
                break
            cell = row[c]
            if cell_mask is None:
                out_cells[c - c0] = cell_out(evaluator, sheet, cell, locale, wanted)
                continue
            if not cell.get("userEnteredValue"):
                for key in wanted_stored:
                    if cell.get(key):
                        break
                else:
                    continue  # stays {}
            full = cell_out(evaluator, sheet, cell, locale, wanted)
            out_cells[c - c0] = ({k: full[k] for k in cell_mask if k in full} if leaves_only
                                 else fields.apply(full, cell_mask))
        entry = {"values": out_cells}
        data.append(fields.apply(entry, row_mask) if generic else entry)
    return data if row_mask is None else fields.Masked(data)


def sheet_out(book: Spreadsheet, sheet: Sheet, boxes: list[Box] | None, cells: bool = True,
              row_mask: fields.Mask | None = None, requester: str | None = None,
              evaluator: Evaluator | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties(sheet)}
    if boxes is not None:
        evaluator = evaluator or Evaluator(book)
        out["data"] = [grid_data(book, sheet, box, cells, row_mask, evaluator) for box in boxes]
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
    row_mask: fields.Mask | None = None,
    requester: str | None = None,
) -> dict[str, Any]:
    """The Spreadsheet resource; ``grid`` maps sheetId -> boxes of grid data to include.

    ``cells=False`` leaves out ``rowData`` (when a field mask does not ask for it); ``row_mask`` is
    the request's ``fields`` mask under ``sheets.data.rowData``, applied here (`sheets_api.mask_row_data`).
    """
    props = {k: v for k, v in book.props.items() if not k.startswith("_")}
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "properties": props}
    sheets = []
    evaluator = Evaluator(book)  # one per answer: the state does not change while it is written
    for sheet in book.ordered():
        if only_sheets is not None and sheet.sheet_id not in only_sheets:
            continue
        boxes = None if grid is None else grid.get(sheet.sheet_id, [])
        sheets.append(sheet_out(book, sheet, boxes, cells, row_mask, requester, evaluator))
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
