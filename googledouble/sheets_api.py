"""``spreadsheets.get``/``getByDataFilter``/``create`` and ``developerMetadata.get``/``search``."""

from __future__ import annotations

from typing import Any

from . import fields
from .base import Double
from .errors import not_found_entity
from .grid import Box, parse_a1, read_box
from .metadata import filter_boxes, metadata_out, search
from .model import Spreadsheet
from .sheets_read import spreadsheet_out
from .wire import Request, Response, ok


def grid_boxes(
    book: Spreadsheet, ranges: list[str], include_grid: bool
) -> tuple[dict[int, list[Box]] | None, list[int] | None]:
    """Which grid data to return, and which sheets (None = all)."""
    if ranges:
        grid: dict[int, list[Box]] = {}
        order: list[int] = []
        for text in ranges:
            sheet, rect = parse_a1(book, text)
            grid.setdefault(sheet.sheet_id, []).append(read_box(sheet, rect))
            if sheet.sheet_id not in order:
                order.append(sheet.sheet_id)
        return (grid if include_grid else None), order
    if include_grid:
        return {s.sheet_id: [(0, s.rows, 0, s.cols)] for s in book.sheets}, None
    return None, None


def mask_wants_cells(mask_text: str | None) -> bool:
    """False when a ``fields`` mask selects grid data but not ``rowData`` (cells need not be rendered)."""
    if not mask_text:
        return True
    node: Any = fields.parse(mask_text)
    for key in ("sheets", "data", "rowData"):
        if node is None or "*" in node:
            return True
        if key not in node:
            return False
        node = node[key]
    return True


def mask_row_data(mask_text: str | None) -> fields.Mask | None:
    """The part of a ``fields`` mask under ``sheets.data.rowData`` (what each row keeps), when it
    cuts rows down; None when rows are kept whole (no mask, ``*``, or ``rowData`` named whole)."""
    if not mask_text:
        return None
    node: Any = fields.parse(mask_text)
    for key in ("sheets", "data", "rowData"):
        if node is None or "*" in node or key not in node:
            return None
        node = node[key]
    return None if node is None or "*" in node else node


def mask_wants_grid(mask_text: str | None) -> bool | None:
    """Whether a ``fields`` mask asks for grid data (it overrides ``includeGridData``); None if no mask."""
    if not mask_text:
        return None
    mask = fields.parse(mask_text)
    if "*" in mask:
        return True
    sheets = mask.get("sheets", {})
    if sheets is None:
        return True
    return "data" in sheets or "*" in sheets


def get(double: Double, req: Request) -> Response:
    book = double.book(req.params["spreadsheetId"])
    wants = mask_wants_grid(req.arg("fields"))
    include = req.flag("includeGridData") if wants is None else wants
    grid, only = grid_boxes(book, req.args("ranges"), include)
    mask = req.arg("fields")
    return ok(spreadsheet_out(book, grid, only, mask_wants_cells(mask), mask_row_data(mask),
                              requester=double.user_email))


def get_by_data_filter(double: Double, req: Request) -> Response:
    body = req.json()
    book = double.book(req.params["spreadsheetId"])
    wants = mask_wants_grid(req.arg("fields"))
    include = bool(body.get("includeGridData")) if wants is None else wants
    filters = body.get("dataFilters") or []
    if not filters:
        grid, only = grid_boxes(book, [], include)
        return ok(spreadsheet_out(book, grid, only, requester=double.user_email))
    boxes: dict[int, list[Box]] = {}
    order: list[int] = []
    for data_filter in filters:
        for sheet, box in filter_boxes(book, data_filter):
            boxes.setdefault(sheet.sheet_id, []).append(box)
            if sheet.sheet_id not in order:
                order.append(sheet.sheet_id)
    return ok(spreadsheet_out(book, boxes if include else None, order, requester=double.user_email))


def create(double: Double, req: Request) -> Response:
    body = req.json()
    props = body.get("properties") or {}
    sheets: dict[str, list[list[Any]] | None] = {}
    for sheet in body.get("sheets") or []:
        title = (sheet.get("properties") or {}).get("title")
        if title:
            sheets[title] = []
    spreadsheet_id = double.create_spreadsheet(
        props.get("title", "Untitled spreadsheet"),
        sheets=sheets or None,
        locale=props.get("locale"),
        time_zone=props.get("timeZone"),
        app_created=True,
    )
    return ok(spreadsheet_out(double.book(spreadsheet_id), None))


def metadata_get(double: Double, req: Request) -> Response:
    book = double.book(req.params["spreadsheetId"])
    try:
        meta_id = int(req.params["metadataId"])
    except ValueError as exc:
        raise not_found_entity() from exc
    if meta_id not in book.metadata:
        raise not_found_entity()
    return ok(metadata_out(book, meta_id))


def metadata_search(double: Double, req: Request) -> Response:
    body = req.json()
    book = double.book(req.params["spreadsheetId"])
    matched = search(book, body.get("dataFilters") or [])
    return ok({"matchedDeveloperMetadata": matched} if matched else {})
