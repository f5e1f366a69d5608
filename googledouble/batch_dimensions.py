"""batchUpdate requests on rows and columns: insert, delete, move, resize, sort."""

from __future__ import annotations

from typing import Any

from . import fields, values
from .batch_common import Ctx, RequestError, grow_check, range_box, sheet_of
from .grid import Evaluator
from .model import Sheet, shift_ranges


def _dimension(ctx: Ctx, rng: dict[str, Any]) -> tuple[Sheet, bool, int, int]:
    sheet = sheet_of(ctx, rng.get("sheetId", 0))
    rows = rng.get("dimension") == "ROWS"
    if rng.get("dimension") not in ("ROWS", "COLUMNS"):
        raise RequestError("range.dimension must be ROWS or COLUMNS.")
    size = sheet.rows if rows else sheet.cols
    start = int(rng.get("startIndex", 0))
    end = int(rng.get("endIndex", size))
    if start < 0 or end < start:
        raise RequestError("range.startIndex must be less than or equal to range.endIndex.")
    return sheet, rows, start, end


def _frozen(sheet: Sheet, rows: bool) -> str:
    return "frozenRowCount" if rows else "frozenColumnCount"


def insert_dimension(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, rows, start, end = _dimension(ctx, req.get("range") or {})
    size = sheet.rows if rows else sheet.cols
    if start > size:
        raise RequestError(
            f"range.startIndex ({start}) must be less than or equal to the sheet's "
            f"{'row' if rows else 'column'} count ({size})."
        )
    if req.get("inheritFromBefore") and start == 0:
        raise RequestError("Cannot inherit properties from before the first row or column.")
    count = end - start
    grow_check(ctx, count * (sheet.cols if rows else sheet.rows))
    if rows:
        sheet.insert_rows(start, count)
        _inherit_rows(sheet, start, count, start - 1 if req.get("inheritFromBefore") else start + count)
    else:
        sheet.insert_cols(start, count)
    grid = sheet.props.setdefault("gridProperties", {})
    key = _frozen(sheet, rows)
    if grid.get(key, 0) > start:
        grid[key] += count
    shift_ranges(ctx.book, sheet, "ROWS" if rows else "COLUMNS", start, count)
    return None


INHERITED = ("userEnteredFormat", "dataValidation")  # what an inserted row takes from its neighbour's cells


def _inherit_rows(sheet: Sheet, start: int, count: int, source: int) -> None:
    """Inserted rows take the formats and dropdowns (data validation) of the row before them
    (`inheritFromBefore`) or after them, never values or notes: Google documents it for formats
    (InsertDimensionRequest: "inserting 2 rows at index 1 can inherit either the green or red
    background"), and the Sheets UI does it for dropdowns. Columns inherit nothing here (a limit)."""
    if not 0 <= source < sheet.rows:
        return
    template = {c: kept for c, cell in sheet.cells[source].items()
                if (kept := {k: cell[k] for k in INHERITED if k in cell})}
    for row in range(start, start + count):
        for column, cell in template.items():
            sheet.put(row, column, cell)  # one dict in many places: never changed in place


def delete_dimension(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, rows, start, end = _dimension(ctx, req.get("range") or {})
    size = sheet.rows if rows else sheet.cols
    noun = "row" if rows else "column"
    if end > size:
        raise RequestError(
            f"Cannot delete a {noun} that doesn't exist. Tried to delete "
            f"{noun} index {end - 1} but there are only {size} {noun}s."
        )
    if start == 0 and end >= size:
        raise RequestError(f"You can't delete all the {'rows' if rows else 'columns'} on the sheet.")
    grid = sheet.props.setdefault("gridProperties", {})
    key = _frozen(sheet, rows)
    frozen = grid.get(key, 0)
    if frozen:
        still_frozen = frozen - max(0, min(end, frozen) - start)
        if size - (end - start) <= still_frozen:
            raise RequestError(f"Sorry, it is not possible to delete all non-frozen {noun}s.")
        grid[key] = still_frozen
    if rows:
        sheet.delete_rows(start, end)
    else:
        sheet.delete_cols(start, end)
    shift_ranges(ctx.book, sheet, "ROWS" if rows else "COLUMNS", start, -(end - start))
    return None


def append_dimension(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet = sheet_of(ctx, req.get("sheetId"))
    length = int(req.get("length", 0))
    if length < 1:
        raise RequestError("length must be greater than zero.")
    rows = req.get("dimension") == "ROWS"
    grow_check(ctx, length * (sheet.cols if rows else sheet.rows))
    if rows:
        sheet.resize(sheet.rows + length, None)
    else:
        sheet.resize(None, sheet.cols + length)
    return None


def move_dimension(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, rows, start, end = _dimension(ctx, req.get("source") or {})
    dest = int(req.get("destinationIndex", 0))
    if rows:
        order = list(range(sheet.rows))
        block, rest = order[start:end], order[:start] + order[end:]
        at = dest if dest <= start else dest - (end - start)
        new_order = rest[:at] + block + rest[at:]
        sheet.row_ids = [sheet.row_ids[i] for i in new_order]
        sheet.cells = [sheet.cells[i] for i in new_order]
    else:
        sheet.move_cols(start, end, dest)
    return None


def update_dimension_properties(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, rows, start, end = _dimension(ctx, req.get("range") or {})
    mask = req.get("fields")
    if not mask:
        raise RequestError("At least one field must be specified.")
    tokens = (sheet.row_ids if rows else sheet.col_ids)[start:end]
    store = sheet.row_props if rows else sheet.col_props
    props = req.get("properties") or {}
    done: dict[int, tuple[Any, dict[str, Any]]] = {}  # id(old properties) -> (them, after): alike rows share one
    for token in tokens:
        old = store.get(token)
        hit = done.get(id(old))
        if hit is None:
            updated = fields.copy_masked(old or {}, props, mask)
            updated.pop("developerMetadata", None)
            hit = done[id(old)] = (old, updated)
        store[token] = hit[1]  # never changed in place afterwards (replaced), so it may be shared
    return None


def auto_resize_dimensions(ctx: Ctx, req: dict[str, Any]) -> None:
    dims = req.get("dimensions") or {}
    if dims:
        _dimension(ctx, dims)
    return None


def sort_range(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, (r0, r1, c0, c1) = range_box(ctx, req.get("range") or {})
    specs = req.get("sortSpecs") or []
    evaluator = Evaluator(ctx.book)
    whole_rows = c0 == 0 and c1 >= sheet.cols

    def effective(r: int, dim: int) -> dict[str, Any] | None:
        return evaluator.effective(sheet, sheet.get(r, dim))

    order = list(range(r0, r1))
    for spec in reversed(specs):
        dim = int(spec.get("dimensionIndex", 0))
        descending = spec.get("sortOrder") == "DESCENDING"
        blanks = [r for r in order if effective(r, dim) is None]
        filled = [r for r in order if effective(r, dim) is not None]
        filled.sort(key=lambda r, d=dim: values.sort_key(effective(r, d)), reverse=descending)  # type: ignore[misc]
        order = filled + blanks
    snapshot = {r: sheet.cells[r] for r in order}
    if whole_rows:
        tokens = {r: sheet.row_ids[r] for r in order}
        ids = list(sheet.row_ids)
        for i, r in enumerate(order):
            sheet.cells[r0 + i] = snapshot[r]
            ids[r0 + i] = tokens[r]
        sheet.row_ids = ids
    else:
        moved = {r: {c: v for c, v in snapshot[r].items() if c0 <= c < c1} for r in order}
        for i, r in enumerate(order):
            target = r0 + i
            kept = {c: v for c, v in snapshot[target].items() if not c0 <= c < c1} if target in snapshot else {}
            sheet.cells[target] = {**kept, **moved[r]}
    return None
