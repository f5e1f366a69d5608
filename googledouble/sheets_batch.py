"""``spreadsheets.batchUpdate``: dispatching the subrequests, all or nothing.

The requests are applied in order to a clone of the spreadsheet, which is
committed only if all succeed, so a failing subrequest leaves nothing
applied, as Google documents. A failure answers 400 with Google's
``Invalid requests[i].<kind>: <reason>`` message.
"""

from __future__ import annotations

from typing import Any

from . import batch_cells as cells
from . import batch_charts as charts
from . import batch_dimensions as dimensions
from . import batch_named as named
from . import batch_sheets as sheets
from . import metadata
from .base import Double
from .batch_common import Ctx, Handler, RequestError
from .errors import ApiError, BatchError, invalid_argument, unimplemented
from .sheets_api import grid_boxes
from .sheets_read import spreadsheet_out
from .wire import Request, Response, ok

__all__ = ["Ctx", "apply_requests", "batch_update"]

HANDLERS: dict[str, Handler] = {
    "addSheet": sheets.add_sheet,
    "deleteSheet": sheets.delete_sheet,
    "duplicateSheet": sheets.duplicate_sheet,
    "updateSheetProperties": sheets.update_sheet_properties,
    "updateSpreadsheetProperties": sheets.update_spreadsheet_properties,
    "updateCells": cells.update_cells,
    "appendCells": cells.append_cells,
    "repeatCell": cells.repeat_cell,
    "setDataValidation": cells.set_data_validation,
    "mergeCells": cells.merge_cells,
    "unmergeCells": cells.unmerge_cells,
    "copyPaste": cells.copy_paste,
    "cutPaste": cells.cut_paste,
    "insertDimension": dimensions.insert_dimension,
    "deleteDimension": dimensions.delete_dimension,
    "appendDimension": dimensions.append_dimension,
    "moveDimension": dimensions.move_dimension,
    "updateDimensionProperties": dimensions.update_dimension_properties,
    "autoResizeDimensions": dimensions.auto_resize_dimensions,
    "sortRange": dimensions.sort_range,
    "setBasicFilter": cells.set_basic_filter,
    "clearBasicFilter": cells.clear_basic_filter,
    "addConditionalFormatRule": cells.add_conditional_format_rule,
    "deleteConditionalFormatRule": cells.delete_conditional_format_rule,
    "addProtectedRange": named.add_protected_range,
    "updateProtectedRange": named.update_protected_range,
    "deleteProtectedRange": named.delete_protected_range,
    "addNamedRange": named.add_named_range,
    "updateNamedRange": named.update_named_range,
    "deleteNamedRange": named.delete_named_range,
    "createDeveloperMetadata": named.create_developer_metadata,
    "updateDeveloperMetadata": named.update_developer_metadata,
    "deleteDeveloperMetadata": named.delete_developer_metadata,
    "addChart": charts.add_chart,
    "updateChartSpec": charts.update_chart_spec,
}


# Request kinds Google accepts but the double does not model; they fail loudly (501).
KNOWN_UNSUPPORTED = (
    "addDimensionGroup",
    "deleteDimensionGroup",
    "updateDimensionGroup",
    "findReplace",
    "deleteEmbeddedObject",
    "addBanding",
    "updateBanding",
    "deleteBanding",
    "addFilterView",
    "updateFilterView",
    "deleteFilterView",
    "duplicateFilterView",
    "pasteData",
    "textToColumns",
    "autoFill",
    "updateBorders",
    "addSlicer",
    "updateSlicerSpec",
    "randomizeRange",
    "trimWhitespace",
    "deleteDuplicates",
    "updateConditionalFormatRule",
    "updateEmbeddedObjectPosition",
    "addDataSource",
    "updateDataSource",
    "deleteDataSource",
    "refreshDataSource",
    "cancelDataSourceRefresh",
    "addTable",
    "updateTable",
    "deleteTable",
    "deleteRange",
    "insertRange",
    "updateEmbeddedObjectBorder",
)


# Requests that move rows: row metadata moves with its row, unless the quirk "row_metadata_stays".
ROW_MOVES = frozenset({"sortRange", "moveDimension", "insertDimension", "deleteDimension"})

# Requests that can delete rows, columns or sheets (and so the metadata on them).
STRUCTURAL = frozenset({"deleteDimension", "deleteSheet", "updateSheetProperties", "appendCells"})


def apply_requests(ctx: Ctx, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    replies = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise invalid_argument(f"Invalid requests[{i}]: exactly one kind of request must be set.")
        kind, body = next(iter(request.items()))
        handler = HANDLERS.get(kind)
        if handler is None:
            if kind in KNOWN_UNSUPPORTED:
                raise unimplemented(f"batchUpdate request '{kind}'")
            raise invalid_argument(
                f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field."
            )
        pinned = metadata.row_places(ctx.book) if kind in ROW_MOVES and "row_metadata_stays" in ctx.quirks else None
        try:
            reply = handler(ctx, body or {})
        except BatchError:
            raise
        except RequestError as err:
            raise invalid_argument(f"Invalid requests[{i}].{kind}: {err}") from err
        except ApiError as err:
            message = err.body["error"]["message"]
            raise invalid_argument(f"Invalid requests[{i}].{kind}: {message}") from err
        if pinned is not None:
            metadata.pin_rows(ctx.book, pinned)
        if kind in STRUCTURAL:
            ctx.book.purge_metadata()
        replies.append(reply or {})
    return replies


def batch_update(double: Double, req: Request) -> Response:
    body = req.json()
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid_argument("Must specify at least one request.")
    with double.editing(req.params["spreadsheetId"]) as book:
        ctx = Ctx(book=book, rng=double.rng, owner=double.user_email, api=True, quirks=frozenset(double.quirks))
        replies = apply_requests(ctx, requests)
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            grid = None
            only = None
            ranges = body.get("responseRanges") or []
            if ranges or body.get("responseIncludeGridData"):

                grid, only = grid_boxes(book, ranges, bool(body.get("responseIncludeGridData")))
            out["updatedSpreadsheet"] = spreadsheet_out(book, grid, only, requester=double.user_email)
        return ok(out)
