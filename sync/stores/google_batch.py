"""The one batchUpdate of a cycle, built from its WritePlan and the tabs as read: pure given the read
state (no request is sent here; sync/stores/google_store.py sends it, and `request_bytes` measures it
unsent).

Its order is what makes a write safe (see google_store.py's docstring): first the guards (each row
written to, its keyed neighbours, each tab's sentinel) and the write token, then new tabs and
columns, cell updates, new rows, dropdowns, a new tab's look, and the fingerprint block when stale.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from rules.errors import StructureError, TransientError
from sync.stores import google_changes, google_read, workspace
from sync.stores.google_requests import (
    END,
    KEY,
    NEW_SHEET_COLS,
    NEW_SHEET_ROWS,
    VALUE_FIELDS,
    add_sheet,
    append_header,
    cell_data,
    chart_requests,
    create_meta_request,
    dropdown_rule,
    fresh_id,
    guard_requests,
    look_requests,
    write_token,
)
from sync.stores.google_sheet import Sheet
from sync.stores.responses import fingerprint
from sync.stores.store import AppendRow, Dropdown, EnsureTab, Look, MarkResponse, UpdateRow, Value, WritePlan
from sync.stores.text import cell_text


def body_bytes(requests_: list[dict[str, Any]]) -> int:
    """The size of a batchUpdate body as `requests` sends it (json.dumps with its default separators)."""
    return len(json.dumps({"requests": requests_}).encode("utf-8"))


def sheet_id_in(body: object) -> int | None:
    """The first `sheetId` in a request body (start, range, location, properties...)."""
    if isinstance(body, dict):
        if isinstance(body.get("sheetId"), int):
            return int(body["sheetId"])
        found = (sheet_id_in(v) for v in body.values())
    elif isinstance(body, list):
        found = (sheet_id_in(v) for v in body)
    else:
        return None
    return next((f for f in found if f is not None), None)


class Batch:
    """Builds the one batchUpdate of a cycle from its plan."""

    def __init__(
        self,
        sheets: dict[str, Sheet],
        log_tabs: frozenset[str],
        randint: Callable[[int, int], int],
    ) -> None:
        self.sheets = sheets
        self.log_tabs = log_tabs
        self.randint = randint
        self.structure: list[dict[str, Any]] = []
        self.cells: list[dict[str, Any]] = []
        self.validations: list[tuple[Sheet, int, Dropdown]] = []
        self.looks: list[tuple[Sheet, Look]] = []  # new tabs: their look goes last in the batch
        self.inserts: dict[str, list[tuple[tuple[str, Value], ...]]] = {}
        self.appends: dict[str, list[tuple[tuple[str, Value], ...]]] = {}
        self.guard_rows: dict[str, dict[int, str | None]] = {}  # tab -> row index -> new key value
        self.touched: set[str] = set()
        self.used_ids: set[int] = {s.sheet_id for s in sheets.values()}
        self.used_ids |= {int(m["metadataId"]) for s in sheets.values() for e in s.meta.values() for m in e}
        self.fences = 0  # requests[:fences] are the guards and the write token
        self.requests: list[dict[str, Any]] = []

    def new_id(self) -> int:
        return fresh_id(self.randint, self.used_ids)

    def build(self, plan: WritePlan, old_tokens: Sequence[int], block_rows: int | None = None) -> list[dict[str, Any]]:
        """The batch's requests; with `block_rows` (the fingerprint block is stale: it has that many rows),
        the block is written again last, for the tabs as this batch leaves them."""
        for op in plan.operations:
            if isinstance(op, EnsureTab):
                self.ensure_tab(op)
            elif isinstance(op, UpdateRow):
                self.update_row(op)
            elif isinstance(op, AppendRow):
                self.sheet(op.tab)
                target = self.appends if op.tab in self.log_tabs else self.inserts
                target.setdefault(op.tab, []).append(op.cells)
                self.touched.add(op.tab)
                for header, _ in op.cells:
                    self.column(self.sheets[op.tab], header, create=True)
            elif isinstance(op, MarkResponse):
                self.mark(op)
        out = self.guards()
        out += write_token(old_tokens, self.new_id())
        self.fences = len(out)  # the guards and the write token: they fail when rows moved
        out += self.structure
        out += [create_meta_request(s.sheet_id, s.rows - 1, END, "", self.new_id())
                for s in self.sheets.values() if s.new and s.title in self.touched]
        out += self.cells
        out += self.new_rows()
        out += self.validation_requests()
        for sheet, look in self.looks:
            out += look_requests(sheet.sheet_id, sheet.headers, sheet.rows, look)
            out += chart_requests(sheet.sheet_id, sheet.headers, self.new_keys(sheet.title), look)
        guide = self.sheets.get(workspace.GUIDE_TAB)
        if block_rows is not None and guide is not None:
            tabs = [google_read.Grid(s.sheet_id, s.title, s.rows, s.cols) for s in self.sheets.values()]
            want = google_changes.wanted(tabs, workspace.GUIDE_TAB)
            short = google_changes.FIRST_ROW + max(len(want), block_rows) - guide.rows
            if short > 0:  # a small help tab: the block needs a row for each other tab
                out.append({"appendDimension": {"sheetId": guide.sheet_id, "dimension": "ROWS", "length": short}})
                guide.rows += short
            out += google_changes.block_requests(guide.sheet_id, guide.cols, want, block_rows)
        self.requests = out
        return out

    def new_keys(self, title: str) -> dict[str, int]:
        """The row index each key of a new tab's rows is written at (they go in from row 2, in order)."""
        rows = self.inserts.get(title, [])
        return {key: 1 + offset for offset, row in enumerate(rows) if row and (key := cell_text(row[0][1]))}

    # --- a refused batch (sync/stores/google_errors.py reads Google's answer) ----------

    def describe(self, index: int) -> tuple[str, str | None]:
        """The kind of request `index` and the tab it changes (None when it names none)."""
        kind, body = next(iter(self.requests[index].items()))
        sheet_id = sheet_id_in(body)
        tab = next((s.title for s in self.sheets.values() if s.sheet_id == sheet_id), None)
        return kind, tab

    # --- tabs and columns -----------------------------------------------------------

    def sheet(self, title: str) -> Sheet:
        try:
            return self.sheets[title]
        except KeyError:
            raise StructureError(f"the spreadsheet has no tab '{title}'") from None

    def ensure_tab(self, op: EnsureTab) -> None:
        sheet = self.sheets.get(op.tab)
        if sheet is None:
            rows = (op.look.grid_rows if op.look is not None else None) or NEW_SHEET_ROWS
            sheet = Sheet(self.new_id(), op.tab, rows, NEW_SHEET_COLS, [[]], {}, [], new=True)
            self.sheets[op.tab] = sheet
            first = op.look is not None and op.look.first
            self.structure.append(add_sheet(sheet.sheet_id, op.tab, rows, NEW_SHEET_COLS, first=first))
        added = set()
        for header in op.headers:
            if header not in sheet.headers:
                added.add(header)
            self.column(sheet, header, create=True, staff=header in op.staff_headers)
        for dropdown in op.dropdowns:
            if sheet.new or dropdown.header in added:
                self.validations.append((sheet, self.column(sheet, dropdown.header), dropdown))
        if sheet.new and op.look is not None and all(s is not sheet for s, _ in self.looks):
            self.looks.append((sheet, op.look))
        self.touched.add(op.tab)

    def column(self, sheet: Sheet, header: str, *, create: bool = False, staff: bool = False) -> int:
        if header in sheet.headers:
            return sheet.headers.index(header)
        if not create:
            raise StructureError(f"tab '{sheet.title}' has no column '{header}'")
        return append_header(sheet, header, self.structure, staff=staff)

    # --- existing rows --------------------------------------------------------------

    def update_row(self, op: UpdateRow) -> None:
        sheet = self.sheet(op.tab)
        key_column = self.column(sheet, op.key_header)
        index = self.find_key(sheet, key_column, op.key, op.row_hint - 1)
        self.put(sheet, index, op.cells)
        self.touch_row(sheet, index, op.key)

    def find_key(self, sheet: Sheet, column: int, key: str, hint: int) -> int:
        def key_at(index: int) -> str | None:
            row = sheet.values[index] if 0 < index < len(sheet.values) else []
            return cell_text(row[column]) if column < len(row) else None

        if key_at(hint) == key:
            return hint
        for index in range(1, len(sheet.values)):
            if key_at(index) == key:
                return index
        raise TransientError(f"row of {key} not found in tab '{sheet.title}'; the next cycle retries")

    def mark(self, op: MarkResponse) -> None:
        sheet = self.sheet(op.tab)
        table_headers = sheet.read_headers

        def matches(index: int) -> bool:
            if not 0 < index < len(sheet.values):
                return False
            return fingerprint(table_headers, sheet.values[index], op.marker_header) == op.fingerprint

        index = op.row_hint - 1
        if not matches(index):
            index = next((i for i in range(1, len(sheet.values)) if matches(i)), -1)
            if index < 0:
                raise TransientError("a response moved or changed during the cycle; the next cycle retries")
        self.put(sheet, index, ((op.marker_header, op.marker),))
        self.touch_row(sheet, index, op.marker)

    def put(self, sheet: Sheet, index: int, cells: Sequence[tuple[str, Value]]) -> None:
        by_column = sorted((self.column(sheet, h, create=True), cell_data(v)) for h, v in cells)
        run: list[tuple[int, dict[str, Any]]] = []
        for column, cell in by_column:
            if run and column != run[-1][0] + 1:
                self.cells.append(self.update_cells(sheet, index, run))
                run = []
            run.append((column, cell))
        if run:
            self.cells.append(self.update_cells(sheet, index, run))

    @staticmethod
    def update_cells(sheet: Sheet, index: int, run: list[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
        return {"updateCells": {
            "start": {"sheetId": sheet.sheet_id, "rowIndex": index, "columnIndex": run[0][0]},
            "rows": [{"values": [cell for _, cell in run]}],
            "fields": VALUE_FIELDS}}

    def touch_row(self, sheet: Sheet, index: int, key: str) -> None:
        """Guard the row (recreating its key metadata with `key`), and its keyed neighbours."""
        rows = self.guard_rows.setdefault(sheet.title, {})
        rows[index] = key
        for near in (index - 1, index + 1):
            if near >= 1 and sheet.key_meta(near) is not None and near not in rows:
                rows[near] = None
        self.touched.add(sheet.title)

    def guards(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for title in sorted(self.touched):
            sheet = self.sheets[title]
            if sheet.new:
                continue
            for index, key in sorted(self.guard_rows.get(title, {}).items()):
                entry = sheet.key_meta(index)
                if entry is None:
                    out.append(create_meta_request(sheet.sheet_id, index, KEY, key or "", self.new_id()))
                else:
                    value = key if key is not None else str(entry.get("metadataValue", ""))
                    out += guard_requests(sheet.sheet_id, index, entry, value)
            found = sheet.sentinel()
            if found is not None:
                out += guard_requests(sheet.sheet_id, found[0], found[1], str(found[1].get("metadataValue", "")))
            elif sheet.rows > 0:
                out.append(create_meta_request(sheet.sheet_id, sheet.rows - 1, END, "", self.new_id()))
        return out

    # --- new rows -------------------------------------------------------------------

    def new_rows(self) -> list[dict[str, Any]]:
        """Insert the new rows below the last row holding data (or the header): rows below move down,
        nothing is overwritten. A log tab's rows are appended (`appendCells`, after its last row with
        data whatever staff did meanwhile), into rows inserted there first (`room`)."""
        out: list[dict[str, Any]] = []
        for title, rows in self.inserts.items():
            sheet = self.sheets[title]
            at = self.room(sheet, len(rows), out)
            out.append({"updateCells": {
                "start": {"sheetId": sheet.sheet_id, "rowIndex": at, "columnIndex": 0},
                "rows": [{"values": self.row_values(sheet, row)} for row in rows],
                "fields": VALUE_FIELDS}})
            for offset, row in enumerate(rows):
                key = cell_text(row[0][1]) if row else None
                out.append(create_meta_request(sheet.sheet_id, at + offset, KEY, key or "", self.new_id()))
        for title, rows in self.appends.items():
            sheet = self.sheets[title]
            self.room(sheet, len(rows), out)
            out.append({"appendCells": {
                "sheetId": sheet.sheet_id,
                "rows": [{"values": self.row_values(sheet, cells)} for cells in rows],
                "fields": VALUE_FIELDS}})
        return out

    @staticmethod
    def room(sheet: Sheet, count: int, out: list[dict[str, Any]]) -> int:
        """Add to `out` the requests that make room for `count` new rows right below the last row
        holding data (or the header); the row index where they go.

        A tab's grid is its rows and a margin (NEW_SHEET_ROWS), and the rows go in above the margin,
        inside the ranges of its dropdowns, colours and row look, which an insert extends (and whose
        cells' validation and format the new rows inherit from the row before): the grid grows with
        the content, the margin stays. An empty tab's first row (read empty, without metadata) is used
        as it is and the rows inserted below it: an insert at the first row of those ranges would push
        them down instead, leaving the new rows outside.
        """
        at = sheet.last_data + 1
        if at >= sheet.rows:  # no margin left (staff filled it): the new rows go below the grid
            out.append({"appendDimension": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "length": 1}})
            sheet.rows += 1
        start = 2 if at == 1 and not sheet.new and sheet.rows > 2 and not sheet.meta.get(1) else at
        out.append({"insertDimension": {
            "range": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": start, "endIndex": start + count},
            "inheritFromBefore": start > 1}})
        sheet.rows += count
        return at

    def row_values(self, sheet: Sheet, cells: Sequence[tuple[str, Value]]) -> list[dict[str, Any]]:
        placed = {self.column(sheet, h, create=True): cell_data(v) for h, v in cells}
        width = max(placed, default=-1) + 1
        return [placed.get(i, {}) for i in range(width)]

    def validation_requests(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for sheet, column, dropdown in self.validations:
            out.append(dropdown_rule(sheet.sheet_id, column, sheet.rows, dropdown))
        return out
