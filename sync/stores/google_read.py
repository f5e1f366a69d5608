"""Reading a Google spreadsheet within the request budget: in one answer, or in parts.

The cycle's read is one `spreadsheets.get` of every tab's values and row metadata. On a
large spreadsheet that answer alone would be megabytes (about 5 MB for 1,000 responses and
their cases), so the grid sizes decide: when the answer is estimated over the budget
(`worker.max_request_bytes`), the tabs are read in row ranges, several requests whose answers
each fit, and put together as if read at once. The grid sizes come from a cheap first call
(`fields=sheets.properties`), made on a store's first read and whenever the last read was
large; what each row takes is remembered from the store's last read (`Profile`); a row never
read is estimated (at first 50 bytes a cell, then as the part of its tab just read), so a
first read in parts of a fresh process may overshoot a little and takes more requests.

Parts are read one after the other, so staff may sort, insert or delete rows in between: such
a read would be torn (a row seen twice, another missed: a response taken in twice). After the
parts, one more request reads the first column and the row metadata of every tab read in
parts; if any row the parts saw holds something else now, the read fails as a TransientError
and the next cycle reads again. (Edits of single cells in between are harmless: each cell is
read as it was at some moment of the read, as a person typing during a one-request read would
be.) New rows below the ones read (a form response arriving) are left for the next cycle.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rules.errors import TransientError
from sync.stores.a1 import column_letter, quoted_title

# Bytes a grid cell takes in the read's answer, by tab, until a read of that tab measured it: a tab
# of the worker's is mostly formatted empty rows (about 5 a cell: the whole answer of a new office,
# 11 tabs of 1,000 rows, is about 1.5 MB); a form response is about 50 a cell.
CELL_BYTES = 5.0  # to decide whether one answer fits
FIRST_PART_CELL_BYTES = 50.0  # for a row never read: until a part of its tab was read, then as in that part
CHECK_ROW_BYTES = 200  # a row's first cell and metadata ids in the check's answer (a case ID and an id or two)
SETTINGS_FIELDS = "properties(locale,timeZone)"  # the spreadsheet's locale and time zone, with every read
PROPERTIES_FIELDS = (
    f"{SETTINGS_FIELDS},developerMetadata(metadataId,metadataKey),"
    "sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))"
)
CHECK_FIELDS = (
    "sheets(properties(sheetId),data(startRow,rowData(values(effectiveValue)),"
    "rowMetadata(developerMetadata(metadataId))))"
)

Get = Callable[[dict[str, Any]], tuple[Any, int]]  # params -> (answer body, its bytes)


@dataclass(frozen=True)
class Grid:
    """One tab's grid size, as the spreadsheet's properties give it."""

    sheet_id: int
    title: str
    rows: int
    cols: int


@dataclass(frozen=True)
class Window:
    """Rows [start, end) (0-based) of a tab."""

    grid: Grid
    start: int
    end: int

    def a1(self, columns: int | None = None) -> str:
        last = column_letter(max(columns or self.grid.cols, 1))
        return f"{quoted_title(self.grid.title)}!A{self.start + 1}:{last}{self.end}"


def settings_of(body: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The spreadsheet's (locale, time zone) in an answer asked with SETTINGS_FIELDS (None: not given)."""
    props = body.get("properties") or {}
    locale, zone = props.get("locale"), props.get("timeZone")
    return (str(locale) if locale else None), (str(zone) if zone else None)


def grids(body: dict[str, Any]) -> list[Grid]:
    out = []
    for sheet in body.get("sheets") or []:
        props = sheet.get("properties") or {}
        grid = props.get("gridProperties") or {}
        out.append(Grid(int(props.get("sheetId", 0)), str(props.get("title", "")),
                        int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0))))
    return out


Profile = dict[str, dict[int, int]]  # tab title -> row index -> bytes the row took in its last answer


def answer_estimate(tabs: Iterable[Grid], profile: Profile) -> float:
    """The bytes one answer of every tab would take: rows as last read, others at CELL_BYTES a cell."""
    return sum(_window_bytes(Window(g, 0, g.rows), profile, CELL_BYTES) for g in tabs)


def _window_bytes(window: Window, profile: Profile, cell_bytes: float) -> float:
    known = profile.get(window.grid.title, {})
    unknown = window.grid.cols * cell_bytes
    return sum(known.get(row, unknown) for row in range(window.start, window.end))


def learn(profile: Profile, body: dict[str, Any]) -> None:
    """Record what each row of each tab took in `body` (its values and its metadata)."""
    for sheet in body.get("sheets") or []:
        rows = profile.setdefault(str((sheet.get("properties") or {}).get("title", "")), {})
        for block in sheet.get("data") or []:
            start = int(block.get("startRow", 0))
            values, metas = block.get("rowData") or [], block.get("rowMetadata") or []
            for offset in range(max(len(values), len(metas))):
                size = len(json.dumps(values[offset])) if offset < len(values) else 0
                size += len(json.dumps(metas[offset])) if offset < len(metas) else 0
                rows[start + offset] = size + ROW_OVERHEAD


ROW_OVERHEAD = 4  # separators between rows in an answer
MARGIN = 0.95  # of the budget a part is planned to fill: rows never read are only estimated


def read_in_parts(get: Get, props: dict[str, Any], tabs: Sequence[Grid], budget: int, profile: Profile,
                  fields: str) -> dict[str, Any]:
    """The spreadsheet as one read would give it, read in row ranges whose answers are each estimated
    within `budget` (from the rows' sizes at the last read; rows never read at FIRST_PART_CELL_BYTES a
    cell); checked untorn."""
    data: dict[int, list[dict[str, Any]]] = {}
    queue = [Window(g, 0, g.rows) for g in tabs if g.rows and g.cols]
    requests: list[list[Window]] = []
    recent: dict[str, float] = {}  # tab -> bytes a cell took in its part just read: for its rows never read

    def size(window: Window) -> float:
        cell = recent.get(window.grid.title, FIRST_PART_CELL_BYTES)
        return _window_bytes(window, profile, cell)

    while queue:
        windows = _next_request(queue, budget, size)
        body, _ = get({"includeGridData": "true", "fields": fields, "ranges": [w.a1() for w in windows]})
        learn(profile, body)
        for w in windows:
            known = profile.get(w.grid.title, {})
            read = sum(known.get(row, 0) for row in range(w.start, w.end))
            recent[w.grid.title] = max(read / ((w.end - w.start) * max(w.grid.cols, 1)), 0.1)
        for sheet in body.get("sheets") or []:
            sheet_id = int((sheet.get("properties") or {}).get("sheetId", 0))
            data.setdefault(sheet_id, []).extend(sheet.get("data") or [])
        requests.append(windows)
    split = {w.grid.sheet_id: w.grid for ws in requests for w in ws if _split(w.grid, requests)}
    if split:
        _check(get, data, list(split.values()), budget)
    merged = dict(props)
    merged["sheets"] = [{**sheet, "data": data.get(int((sheet.get("properties") or {}).get("sheetId", 0)), [])}
                        for sheet in props.get("sheets") or []]
    return merged


def _next_request(queue: list[Window], budget: int, size: Callable[[Window], float]) -> list[Window]:
    """Take from `queue` (rows still to read, by tab) the ranges of one request within `budget`."""
    windows: list[Window] = []
    room = budget * MARGIN
    while queue:
        rest = queue[0]
        end = rest.start
        while end < rest.end:
            row = size(Window(rest.grid, end, end + 1))
            if row > room and (end > rest.start or windows):
                break
            room -= row
            end += 1
        if end == rest.start:
            break
        windows.append(Window(rest.grid, rest.start, end))
        if end < rest.end:
            queue[0] = Window(rest.grid, end, rest.end)
            break
        queue.pop(0)
    return windows


def _split(grid: Grid, requests: list[list[Window]]) -> bool:
    return sum(1 for ws in requests if any(w.grid.sheet_id == grid.sheet_id for w in ws)) > 1


def _check(get: Get, data: dict[int, list[dict[str, Any]]], split: list[Grid], budget: int) -> None:
    """Fail unless every row the parts read of the `split` tabs still holds what they saw there
    (their first column and row metadata, read again in requests within `budget`)."""
    now: dict[int, list[dict[str, Any]]] = {}
    queue = [Window(g, 0, g.rows) for g in split]
    while queue:
        windows = _next_request(queue, budget, lambda w: (w.end - w.start) * CHECK_ROW_BYTES)
        body, _ = get({"includeGridData": "true", "fields": CHECK_FIELDS, "ranges": [w.a1(1) for w in windows]})
        for sheet in body.get("sheets") or []:
            now.setdefault(int((sheet.get("properties") or {}).get("sheetId", 0)), []).extend(sheet.get("data") or [])
    for grid in split:
        seen, current = _rows(data.get(grid.sheet_id, [])), _rows(now.get(grid.sheet_id, []))
        for index, (value, meta) in seen.items():
            if value is None and not meta:
                continue  # an empty row then: a new response may have arrived in it since
            if current.get(index) != (value, meta):
                raise TransientError(
                    f"rows of tab '{grid.title}' were sorted, inserted or deleted while the worker read the "
                    "spreadsheet in parts; nothing was written. The next cycle reads it again."
                )


def _rows(data: list[dict[str, Any]]) -> dict[int, tuple[object, tuple[int, ...]]]:
    """Row index -> (first cell's value, ids of the row's metadata)."""
    out: dict[int, tuple[object, tuple[int, ...]]] = {}
    for block in data:
        start = int(block.get("startRow", 0))
        values = block.get("rowData") or []
        metas = block.get("rowMetadata") or []
        for offset in range(max(len(values), len(metas))):
            row = values[offset] if offset < len(values) else {}
            cells = row.get("values") or []
            first = cells[0].get("effectiveValue") if cells and cells[0] else None
            meta = metas[offset] if offset < len(metas) else {}
            ids = tuple(sorted(int(m["metadataId"]) for m in meta.get("developerMetadata") or []
                               if "metadataId" in m))
            out[start + offset] = (_frozen(first), ids)
    return out


def _frozen(value: object) -> object:
    return tuple(sorted(value.items())) if isinstance(value, dict) else value
