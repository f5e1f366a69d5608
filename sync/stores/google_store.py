"""The Google store: the office's Google spreadsheet, through the Sheets API (gspread's HTTP client).

A cycle costs one `spreadsheets.get` (every tab, unformatted values, row metadata) and,
when there is something to write, one `spreadsheets.batchUpdate`, which Google applies
atomically: all of a cycle's writes or none. No request exceeds `max_request_bytes`
(`worker.max_request_bytes`): a store's first read asks for the tabs' sizes first, and a
spreadsheet whose answer would be larger is read in parts (sync/stores/google_read.py); a plan whose
batch would be larger is written in parts, one cycle each (sync/cycle/batches.py), measured here
(`request_bytes`) without being sent. Google's "Request payload size exceeds the limit" is a
PayloadTooLarge (the cycle sends less), never a moved row.

Rows staff may move. Every row the worker creates carries developer metadata
(`sapa.key` = its case/review ID), which Google keeps with the row through sorts,
inserts and deletes; every tab the worker writes to carries a sentinel (`sapa.end`) on
its last grid row. The batch starts with one guard per row it writes to (and the keyed
rows beside it) and per sentinel: delete the metadata *only if it is still exactly at the
row where it was read*, then create it again there *with the same metadataId*. If the row
moved, the delete matches nothing and the re-create collides with the metadata that still
exists elsewhere ("already exists"), so Google rejects the whole batch (400) and nothing is
applied; if the row was deleted, the rows below moved and the sentinel's guard fails the
same way. The cycle then raises TransientError and the next cycle re-reads. This holds
whether Google answers a delete that matches nothing with an error or with a no-op.

A write token (`sapa.write`, spreadsheet-level metadata with a fresh id) makes a resent
batch fail rather than apply twice when the answer to the first one was lost.

Values are written as `stringValue` / `numberValue`, never as formulas.
"""

from __future__ import annotations

import json
import logging
import random as _random
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

import gspread
import requests

from rules.errors import InputError, PayloadTooLarge, RequestRefused, SapaError, StructureError, TransientError
from sync.stores import google_read, workspace
from sync.stores.cells import GOOGLE_DAY, GOOGLE_MOMENT, serial
from sync.stores.google_retry import DEFAULT_TIMEOUT, RetryPolicy, call_with_retry, error_message, status_of
from sync.stores.responses import fingerprint, response_tab_names
from sync.stores.store import (
    AppendRow,
    Dropdown,
    EnsureTab,
    Link,
    Look,
    MarkResponse,
    Snapshot,
    Table,
    UpdateRow,
    Value,
    WritePlan,
)
from sync.stores.text import cell_text

USER_AGENT = "sapa-sync (gzip)"  # "gzip" in the User-Agent: Google's condition for compressed answers
log = logging.getLogger(__name__)

SHEETS_API = "https://sheets.googleapis.com/v4/spreadsheets"
GOOGLE_MAX_CHARS = 50000
KEY = "sapa.key"  # on each row the worker created (or touched): the row's case/review ID
END = "sapa.end"  # sentinel on the last grid row of a tab the worker writes to
TOKEN = "sapa.write"  # spreadsheet-level: one per write, so a resent batch is refused
NEW_SHEET_ROWS = 1000
NEW_SHEET_COLS = 26
DEFAULT_LOG_TABS = ("Log Aktivitas",)
DEFAULT_MAX_REQUEST_BYTES = 2_000_000  # worker.max_request_bytes

READ_FIELDS = (
    "developerMetadata(metadataId,metadataKey),"
    "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),"
    "data(startRow,rowData(values(effectiveValue)),"
    "rowMetadata(developerMetadata(metadataId,metadataKey,metadataValue))))"
)


@dataclass
class _Sheet:
    """One tab as read, plus what the write being built has changed in it."""

    sheet_id: int
    title: str
    rows: int  # grid rows
    cols: int  # grid columns
    values: list[list[object]]  # by row index (0 = header)
    meta: dict[int, list[dict[str, Any]]]  # row index -> sapa metadata on that row
    headers: list[str] = field(default_factory=list)  # as the write being built leaves them
    read_headers: tuple[str, ...] = ()  # as read (what the cycle's fingerprints were made with)
    new: bool = False

    @property
    def last_data(self) -> int:
        """Index of the last row holding anything (0 when only the header, or empty)."""
        for index in range(len(self.values) - 1, 0, -1):
            if any(v is not None and v != "" for v in self.values[index]):
                return index
        return 0

    def key_meta(self, index: int) -> dict[str, Any] | None:
        return next((m for m in self.meta.get(index, []) if m.get("metadataKey") == KEY), None)

    def sentinel(self) -> tuple[int, dict[str, Any]] | None:
        for index, entries in sorted(self.meta.items()):
            for entry in entries:
                if entry.get("metadataKey") == END:
                    return index, entry
        return None

    def table(self) -> Table:
        width = max((len(r) for r in self.values), default=0)
        headers = tuple(cell_text(h) or "" for h in (self.values[0] if self.values else []))
        headers = headers + ("",) * (width - len(headers)) if self.values else ()
        data: list[tuple[object, ...]] = []
        numbers: list[int] = []
        for index, row in enumerate(self.values[1:], start=1):
            if any(v is not None and v != "" for v in row):
                data.append(tuple(row) + (None,) * (width - len(row)))
                numbers.append(index + 1)
        return Table(self.title, headers, tuple(data), tuple(numbers))


class GoogleStore:
    """A Google spreadsheet. `read` then `write`, once each per cycle: one request each."""

    def __init__(
        self,
        client: gspread.Client,
        spreadsheet_id: str,
        responses_tab: str | None = None,
        *,
        log_tabs: Collection[str] = DEFAULT_LOG_TABS,
        retry: RetryPolicy | None = None,
        timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
        random: Callable[[int, int], int] | None = None,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    ) -> None:
        self.client = client
        self.max_request_bytes = max_request_bytes
        self.spreadsheet_id = spreadsheet_id
        self._responses_tab = responses_tab
        self.log_tabs = frozenset(log_tabs)
        self.retry = retry or RetryPolicy()
        self._randint = random or _random.SystemRandom().randint
        http = client.http_client
        if timeout is not None and getattr(http, "timeout", None) is None:
            http.set_timeout(timeout)  # gspread passes it to every session.request
        # Google compresses an answer only for a client that asks in both headers (requests sends the
        # first): a cycle's read of every tab then costs a fraction of its size on the wire.
        http.session.headers.update({"Accept-Encoding": "gzip", "User-Agent": USER_AGENT})
        self._sheets: dict[str, _Sheet] | None = None
        self._tokens: list[int] = []
        self._writing: _Batch | None = None  # the batch being sent, to explain a refusal
        self._grids: list[google_read.Grid] | None = None  # the tabs' sizes at the last read
        self._profile: google_read.Profile = {}  # what each row of each tab took in the last answer

    # --- requests -------------------------------------------------------------------

    def _request(self, what: str, method: str, url: str, **kwargs: Any) -> Any:
        return self._sized(what, method, url, **kwargs)[0]

    def _sized(self, what: str, method: str, url: str, **kwargs: Any) -> tuple[Any, int]:
        """Google's answer to one request, and its size in bytes."""
        def call() -> tuple[Any, int]:
            response = self.client.http_client.request(method, url, **kwargs)
            return response.json(), len(response.content)

        try:
            return call_with_retry(what, call, self.retry)
        except gspread.exceptions.APIError as err:
            raise self._api_error(what, err) from None
        except requests.RequestException as err:
            raise TransientError(
                f"cannot reach Google for {what} ({type(err).__name__}); the next cycle retries"
            ) from None

    def _api_error(self, what: str, err: gspread.exceptions.APIError) -> SapaError:
        status = status_of(err)
        message = error_message(err)
        if status == 413 or (status == 400 and TOO_LARGE in message):
            return PayloadTooLarge(
                f"Google refused {what} as too large (HTTP {status}: {message[:120]}); nothing of it was "
                "applied. The cycle sends its changes in smaller parts."
            )
        if status in (401,):
            return InputError(
                "Google refused the worker's credentials (HTTP 401). Check the service account key file "
                "or sign in again (OAuth); see `python -m sync doctor`."
            )
        if status in (403, 404):
            who = self._account()
            where = "is not shared with" if status == 403 else "was not found for"
            return InputError(
                f"the spreadsheet {self.spreadsheet_id} {where} the worker's Google account{who} "
                f"(HTTP {status}). Check store.spreadsheet_id, and share the spreadsheet with that "
                "account as Editor (Share → add its email → Editor)."
            )
        if status == 400 and what == "the write":
            return self._refused_write(message)
        return SapaError(f"Google answered HTTP {status} to {what}: {message[:200]}")

    def _account(self) -> str:
        """' (<the worker's service account e-mail>)', or '' when signed in as a person."""
        account = getattr(getattr(self.client, "auth", None), "service_account_email", None)
        return f" ({account})" if isinstance(account, str) and account else ""

    def _refused_write(self, message: str) -> SapaError:
        """A refused batch: rows moved (a guard or the write token failed: retry) or a genuine refusal."""
        batch, index = self._writing, request_index(message)
        if batch is None or batch.rows_moved(index, message):
            return TransientError(
                "Google refused the cycle's write, nothing of it was applied (rows moved or were deleted "
                f"while the cycle ran, or the write was sent twice): {message[:200]}. "
                "The next cycle starts again from the spreadsheet."
            )
        reason = _INVALID_PREFIX.sub("", message)[:200].rstrip(".")
        return RequestRefused(
            f"Google refused the cycle's write ({self._failed_part(batch, index, message)}): {reason}. "
            "Nothing of it was applied. This is not a moved row: every cycle fails the same way until "
            + _remedy(message, self._account())
        )

    def _failed_part(self, batch: _Batch, index: int | None, message: str) -> str:
        """Which request on which tab Google refused, as far as its answer (or a look) tells."""
        if index is not None and index < len(batch.requests):
            kind, tab = batch.describe(index)
            return f"request {index}, {kind} on tab '{tab}'" if tab else f"request {index}, {kind}"
        tabs = self._protected_tabs(batch.touched) if PROTECTED in message else []
        if tabs:
            return f"a protection on tab {_names(tabs)} that the worker's account may not edit"
        return f"Google does not say which request; this write changes tabs {_names(sorted(batch.touched))}"

    def _protected_tabs(self, touched: Collection[str]) -> list[str]:
        """Tabs among `touched` with a protection the worker's account may not edit ([] if unknown)."""
        try:
            body = self._request(
                "the protections check", "get", f"{SHEETS_API}/{self.spreadsheet_id}",
                params={"fields": "sheets(properties(title),protectedRanges(requestingUserCanEdit))"},
            )
        except SapaError:
            return []
        return sorted(
            str(sheet.get("properties", {}).get("title"))
            for sheet in body.get("sheets") or []
            if sheet.get("properties", {}).get("title") in touched
            and any(not p.get("requestingUserCanEdit") for p in sheet.get("protectedRanges") or [])
        )

    # --- reading --------------------------------------------------------------------

    def read(self, worker_tabs: Sequence[str]) -> Snapshot:
        body = self._read_body()
        sheets = {s.title: s for s in (_sheet_of(raw) for raw in body.get("sheets") or [])}
        self._tokens = [
            int(m["metadataId"]) for m in body.get("developerMetadata") or [] if m.get("metadataKey") == TOKEN
        ]
        names = response_tab_names(list(sheets), self._responses_tab, "the spreadsheet")
        self._sheets = sheets
        tables = {t: sheets[t].table() for t in {*names, *worker_tabs} if t in sheets}
        for title, sheet in sheets.items():
            headers = tables[title].headers if title in tables else sheet.table().headers
            sheet.read_headers, sheet.headers = headers, list(headers)
        return Snapshot(response_tabs=tuple(tables[n] for n in names),
                        tabs={t: tables[t] for t in worker_tabs if t in tables})

    def _read_body(self) -> dict[str, Any]:
        """Every tab's values and row metadata: in one answer, or in parts when that would exceed the
        budget (see sync/stores/google_read.py). The sizes are those of the last read, or asked for first."""
        url = f"{SHEETS_API}/{self.spreadsheet_id}"

        def get(params: dict[str, Any]) -> tuple[Any, int]:
            return self._sized("the read", "get", url, params=params)

        budget = self.max_request_bytes
        props: dict[str, Any] | None = None
        if self._grids is None or google_read.answer_estimate(self._grids, self._profile) > budget:
            props, _ = get({"fields": google_read.PROPERTIES_FIELDS})
            self._grids = google_read.grids(props)
        if props is None or google_read.answer_estimate(self._grids, self._profile) <= budget:
            body, _ = get({"includeGridData": "true", "fields": READ_FIELDS})
            google_read.learn(self._profile, body)
        else:
            body = google_read.read_in_parts(get, props, self._grids, budget, self._profile, READ_FIELDS)
        self._grids = google_read.grids(body)
        return dict(body)

    # --- writing --------------------------------------------------------------------

    def request_bytes(self, plan: WritePlan) -> int:
        """The bytes of the batchUpdate body `write(plan)` would send now, built without sending it
        (new metadata ids aside, which are random: a few bytes either way)."""
        if self._sheets is None:
            raise SapaError("internal error: request_bytes() before read(); the cycle must read first")
        sheets = {t: replace(s, headers=list(s.headers)) for t, s in self._sheets.items()}
        batch = _Batch(sheets, self.log_tabs, _random.Random(0).randint)
        return body_bytes(batch.build(plan, self._tokens))

    def write(self, plan: WritePlan) -> None:
        if not plan:
            return
        if self._sheets is None:
            raise SapaError("internal error: write() before read(); the cycle must read first")
        sheets, self._sheets = self._sheets, None  # one write per read
        batch = _Batch(sheets, self.log_tabs, self._randint)
        requests_ = batch.build(plan, self._tokens)
        self._writing = batch
        try:
            self._request(
                "the write",
                "post",
                f"{SHEETS_API}/{self.spreadsheet_id}:batchUpdate",
                json={"requests": requests_},
            )
        finally:
            self._writing = None


# How Google names the failing request of a batch: "Invalid requests[12].updateCells: <reason>".
_REQUEST_INDEX = re.compile(r"\brequests\[(\d+)\]")
_INVALID_PREFIX = re.compile(r"^Invalid requests\[\d+\]\.\w+: ")
# A guard that names no request: its metadata was not where the cycle read it.
_METADATA_CLASH = re.compile(r"developer ?metadata\b.*\b(already exists|not found|does not exist)", re.I)
PROTECTED = "protected cell or object"  # Google names no request for this one
TOO_LARGE = "Request payload size exceeds the limit"  # 400 to a body over 10,485,760 bytes
TOO_LONG = "characters in a single cell"


def body_bytes(requests_: list[dict[str, Any]]) -> int:
    """The size of a batchUpdate body as `requests` sends it (json.dumps with its default separators)."""
    return len(json.dumps({"requests": requests_}).encode("utf-8"))


def _names(tabs: Sequence[str]) -> str:
    return ", ".join(f"'{t}'" for t in tabs)


def request_index(message: str) -> int | None:
    """The index of the request Google's error message names, if any."""
    found = _REQUEST_INDEX.search(message)
    return int(found.group(1)) if found else None


def _remedy(message: str, account: str) -> str:
    if PROTECTED in message:
        return (
            "the worker may edit there: in the spreadsheet open Data → Protected sheets and ranges, and "
            f"remove that protection or add the worker's account{account} to its editors "
            "(`python -m sync init` adds the worker to the protections it made)."
        )
    if TOO_LONG in message:
        return (
            "this is fixed in the worker: a value it writes is longer than Google's 50,000 characters per "
            "cell. Please report this message (it holds no personal data)."
        )
    return "this is fixed: please report this message (it holds no personal data)."


def _sheet_of(raw: dict[str, Any]) -> _Sheet:
    props = raw.get("properties") or {}
    grid = props.get("gridProperties") or {}
    values: list[list[object]] = []
    meta: dict[int, list[dict[str, Any]]] = {}
    for data in raw.get("data") or []:
        start = int(data.get("startRow", 0))
        for offset, row in enumerate(data.get("rowData") or []):
            index = start + offset
            while len(values) <= index:
                values.append([])
            values[index] = [_value(cell) for cell in row.get("values") or []]
        for offset, dim in enumerate(data.get("rowMetadata") or []):
            entries = [m for m in dim.get("developerMetadata") or [] if m.get("metadataKey") in (KEY, END)]
            if entries:
                meta[start + offset] = entries
    return _Sheet(
        sheet_id=int(props.get("sheetId", 0)),
        title=str(props.get("title", "")),
        rows=int(grid.get("rowCount", 0)),
        cols=int(grid.get("columnCount", 0)),
        values=values,
        meta=meta,
    )


def _value(cell: dict[str, Any]) -> object:
    """An unformatted cell value: float, str, bool, or None (empty or an error such as #REF!)."""
    effective = (cell or {}).get("effectiveValue") or {}
    if "numberValue" in effective:
        return float(effective["numberValue"])
    if "stringValue" in effective:
        return str(effective["stringValue"])
    if "boolValue" in effective:
        return bool(effective["boolValue"])
    return None


STAFF_BACKGROUND = {"red": 1.0, "green": 0.949, "blue": 0.8}  # pale yellow: "staff fill this in"


class _Grid(Protocol):
    sheet_id: int
    cols: int
    headers: list[str]


def append_header(sheet: _Grid, header: str, requests: list[dict[str, Any]], *, staff: bool = False) -> int:
    """Requests that add `header` right of the last header (growing the grid if needed); its column."""
    used = [i for i, h in enumerate(sheet.headers) if h]
    index = (used[-1] + 1) if used else 0
    sheet.headers += [""] * (index + 1 - len(sheet.headers))
    sheet.headers[index] = header
    if index >= sheet.cols:
        grow = index + 1 - sheet.cols
        requests.append({"appendDimension": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS", "length": grow}})
        sheet.cols += grow
    cell = _cell(header)
    cell["userEnteredFormat"] = {"textFormat": {"bold": True}}
    fields = "userEnteredValue,userEnteredFormat.textFormat.bold"
    if staff:
        cell["userEnteredFormat"]["backgroundColorStyle"] = {"rgbColor": STAFF_BACKGROUND}
        fields += ",userEnteredFormat.backgroundColorStyle"
    requests.append({"updateCells": {
        "start": {"sheetId": sheet.sheet_id, "rowIndex": 0, "columnIndex": index},
        "rows": [{"values": [cell]}], "fields": fields}})
    return index


# The cell fields a value write sets: its value, and the number format and link that go with it
# (cleared when the new value has none: a cell that held a link or a date holds plain text now).
VALUE_FIELDS = "userEnteredValue,userEnteredFormat.numberFormat,userEnteredFormat.textFormat.link"


def _cell(value: Value) -> dict[str, Any]:
    """A CellData that stores text as text, numbers as numbers, times as date cells and links as
    links (a cell-level `textFormat.link`), never a formula."""
    if value is None:
        return {}
    if isinstance(value, Link):
        cell = _cell(value.text)
        cell["userEnteredFormat"] = {"textFormat": {"link": {"uri": value.url}}}
        return cell
    if isinstance(value, date):
        pattern = GOOGLE_MOMENT if isinstance(value, datetime) else GOOGLE_DAY
        return {"userEnteredValue": {"numberValue": serial(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": pattern}}}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"userEnteredValue": {"numberValue": value}}
    text = cell_text(value, limit=GOOGLE_MAX_CHARS)
    return {"userEnteredValue": {"stringValue": text}} if text else {}


# --- the workspace's look (sync/stores/workspace.py) as Sheets API requests ------------------------

_PIXELS_PER_CHAR = 7


def _rgb(hex_color: str) -> dict[str, float]:
    return {k: round(int(hex_color[i:i + 2], 16) / 255, 3) for k, i in (("red", 0), ("green", 2), ("blue", 4))}


def look_requests(sheet_id: int, headers: Sequence[str], rows: int, look: Look) -> list[dict[str, Any]]:
    """Requests that give a tab its look: the same as the local store's (`local_store._dress`).

    Conditional formats read the row's own cell, so colours follow rows that staff sort;
    the basic filter's criteria hide finished cases (clearing the filter shows them).
    """
    columns = {h: i for i, h in enumerate(headers) if h}
    width = max(columns.values(), default=0) + 1
    out: list[dict[str, Any]] = [{"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {
            "frozenRowCount": 1, "frozenColumnCount": look.frozen_columns}},
        "fields": "gridProperties.frozenRowCount,gridProperties.frozenColumnCount"}}]
    out += [_dimension(sheet_id, columns[h], {"pixelSize": chars * _PIXELS_PER_CHAR}, "pixelSize")
            for h, chars in look.widths if h in columns]
    out += [_dimension(sheet_id, columns[h], {"hiddenByUser": True}, "hiddenByUser")
            for h in look.hidden if h in columns]
    if look.row_height is not None:
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1, "endIndex": max(rows, 2)},
            "properties": {"pixelSize": look.row_height * 4 // 3}, "fields": "pixelSize"}})
    for header in look.wrapped:
        if header in columns:
            out.append({"repeatCell": {
                "range": _column_range(sheet_id, columns[header], 0, rows),
                "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
                "fields": "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment"}})
    for header, text in look.notes:
        if header in columns:
            out.append({"updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": columns[header]},
                "rows": [{"values": [{"note": text}]}], "fields": "note"}})
    out += _highlights(sheet_id, columns, width, rows, look)
    specs = [{"columnIndex": columns[h], "filterCriteria": {"hiddenValues": list(hidden)}}
             for h, hidden in look.filter_hides if h in columns]
    out.append({"setBasicFilter": {"filter": {
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "startColumnIndex": 0, "endColumnIndex": width},
        **({"filterSpecs": specs} if specs else {})}}})
    return out


def chart_requests(sheet_id: int, headers: Sequence[str], rows: dict[str, int], look: Look) -> list[dict[str, Any]]:
    """An addChart for each chart of a new tab's look (`rows`: the row index of each key written).

    Placed once: Google keeps the chart and redraws it from the cells of its ranges, which the
    worker's updates change in place; a later cycle sends nothing for it. Each series is one row,
    its first cell (`label_header`, just left of the data) naming it (headerCount 1).
    """
    columns = {h: i for i, h in enumerate(headers) if h}
    out: list[dict[str, Any]] = []
    for chart in look.charts:
        data = [columns[h] for h in chart.columns if h in columns]
        if not data or chart.label_header not in columns:
            continue
        start, end = min(columns[chart.label_header], min(data)), max(data) + 1

        def source(row: int, start: int = start, end: int = end) -> dict[str, Any]:
            return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1,
                                                 "startColumnIndex": start, "endColumnIndex": end}]}}

        series = [{"series": source(rows[key]), "targetAxis": "LEFT_AXIS"} for key in chart.series if key in rows]
        out.append({"addChart": {"chart": {
            "spec": {"title": chart.title, "basicChart": {
                "chartType": "COLUMN", "legendPosition": "RIGHT_LEGEND", "headerCount": 1,
                "stackedType": "STACKED" if chart.stacked else "NOT_STACKED",
                "domains": [{"domain": source(0)}], "series": series}},
            "position": {"overlayPosition": {
                "anchorCell": {"sheetId": sheet_id, "rowIndex": chart.anchor_row - 1,
                               "columnIndex": chart.anchor_column - 1},
                "widthPixels": chart.width_cm * _PIXELS_PER_CM, "heightPixels": chart.height_cm * _PIXELS_PER_CM}},
        }}})
    return out


_PIXELS_PER_CM = 38


def _highlights(sheet_id: int, columns: dict[str, int], width: int, rows: int, look: Look) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rule in look.highlights:
        if rule.header not in columns:
            continue
        column = columns[rule.header]
        letter = gspread.utils.rowcol_to_a1(1, column + 1).rstrip("1")
        cells = _column_range(sheet_id, column, 1, rows) if rule.cell else {
            "sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": rows, "startColumnIndex": 0,
            "endColumnIndex": width}
        style: dict[str, Any] = {"backgroundColorStyle": {"rgbColor": _rgb(rule.color)}}
        if rule.grey_text:
            style["textFormat"] = {"foregroundColorStyle": {"rgbColor": _rgb("808080")}}
        out.append(_conditional(cells, workspace.highlight_formula(letter, 2, rule.values), style, len(out)))
    beat = look.heartbeat
    if beat is not None and beat.header in columns:
        column = columns[beat.header]
        letter = gspread.utils.rowcol_to_a1(1, column + 1).rstrip("1")
        cell = _column_range(sheet_id, column, beat.row - 1, beat.row)
        out.append({"repeatCell": {"range": cell, "cell": {"userEnteredFormat": {"numberFormat": {
            "type": "DATE_TIME", "pattern": GOOGLE_MOMENT}, "horizontalAlignment": "LEFT"}},
            "fields": "userEnteredFormat.numberFormat,userEnteredFormat.horizontalAlignment"}})
        red = {"backgroundColorStyle": {"rgbColor": _rgb("E06666")},
               "textFormat": {"bold": True, "foregroundColorStyle": {"rgbColor": _rgb("FFFFFF")}}}
        rules = sum(1 for r in out if "addConditionalFormatRule" in r)
        out.append(_conditional(cell, workspace.heartbeat_formula(letter, beat.row, beat.stale_minutes), red, rules))
    return out


def _conditional(cells: dict[str, Any], formula: str, style: dict[str, Any], index: int) -> dict[str, Any]:
    return {"addConditionalFormatRule": {"index": index, "rule": {"ranges": [cells], "booleanRule": {
        "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=" + formula}]},
        "format": style}}}}


def _dimension(sheet_id: int, column: int, properties: dict[str, Any], fields: str) -> dict[str, Any]:
    return {"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": column, "endIndex": column + 1},
        "properties": properties, "fields": fields}}


def _column_range(sheet_id: int, column: int, start: int, end: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "startRowIndex": start, "endRowIndex": end,
            "startColumnIndex": column, "endColumnIndex": column + 1}


def _sheet_id_in(body: object) -> int | None:
    """The first `sheetId` in a request body (start, range, location, properties...)."""
    if isinstance(body, dict):
        if isinstance(body.get("sheetId"), int):
            return int(body["sheetId"])
        found = (_sheet_id_in(v) for v in body.values())
    elif isinstance(body, list):
        found = (_sheet_id_in(v) for v in body)
    else:
        return None
    return next((f for f in found if f is not None), None)


def _row_range(sheet_id: int, index: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": index, "endIndex": index + 1}


def guard_requests(sheet_id: int, index: int, entry: dict[str, Any], value: str) -> list[dict[str, Any]]:
    """Fails the batch unless this metadata is still exactly at row `index` (see the module doc)."""
    meta_id = int(entry["metadataId"])
    lookup = {
        "metadataId": meta_id,
        "metadataKey": entry["metadataKey"],
        "metadataLocation": {"dimensionRange": _row_range(sheet_id, index)},
        "locationMatchingStrategy": "EXACT_LOCATION",
    }
    if entry.get("metadataValue"):
        lookup["metadataValue"] = entry["metadataValue"]
    return [
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}},
        create_meta_request(sheet_id, index, str(entry["metadataKey"]), value, meta_id),
    ]


def create_meta_request(sheet_id: int, index: int, key: str, value: str, meta_id: int) -> dict[str, Any]:
    """Row metadata `key` (= `value`) with the id `meta_id` on row `index`."""
    meta: dict[str, Any] = {
        "metadataId": meta_id,
        "metadataKey": key,
        "location": {"dimensionRange": _row_range(sheet_id, index)},
        "visibility": "DOCUMENT",
    }
    if value:
        meta["metadataValue"] = value
    return {"createDeveloperMetadata": {"developerMetadata": meta}}


class _Batch:
    """Builds the one batchUpdate of a cycle from its plan."""

    def __init__(
        self,
        sheets: dict[str, _Sheet],
        log_tabs: frozenset[str],
        randint: Callable[[int, int], int],
    ) -> None:
        self.sheets = sheets
        self.log_tabs = log_tabs
        self.randint = randint
        self.structure: list[dict[str, Any]] = []
        self.cells: list[dict[str, Any]] = []
        self.validations: list[tuple[_Sheet, int, Dropdown]] = []
        self.looks: list[tuple[_Sheet, Look]] = []  # new tabs: their look goes last in the batch
        self.inserts: dict[str, list[tuple[tuple[str, Value], ...]]] = {}
        self.appends: dict[str, list[tuple[tuple[str, Value], ...]]] = {}
        self.guard_rows: dict[str, dict[int, str | None]] = {}  # tab -> row index -> new key value
        self.touched: set[str] = set()
        self.used_ids: set[int] = {s.sheet_id for s in sheets.values()}
        self.used_ids |= {int(m["metadataId"]) for s in sheets.values() for e in s.meta.values() for m in e}
        self.fences = 0  # requests[:fences] are the guards and the write token
        self.requests: list[dict[str, Any]] = []

    def new_id(self) -> int:
        while True:
            candidate = self.randint(1, 2**31 - 1)
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def build(self, plan: WritePlan, old_tokens: Sequence[int]) -> list[dict[str, Any]]:
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
        for token in old_tokens:
            out.append({"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
                "metadataId": token}}}})
        out.append({"createDeveloperMetadata": {"developerMetadata": {
            "metadataId": self.new_id(), "metadataKey": TOKEN, "metadataValue": "",
            "location": {"spreadsheet": True}, "visibility": "DOCUMENT"}}})
        self.fences = len(out)  # the guards and the write token: they fail when rows moved
        out += self.structure
        out += [self.create_meta(s, s.rows - 1, END, "", self.new_id())
                for s in self.sheets.values() if s.new and s.title in self.touched]
        out += self.cells
        out += self.new_rows()
        out += self.validation_requests()
        for sheet, look in self.looks:
            out += look_requests(sheet.sheet_id, sheet.headers, sheet.rows, look)
            out += chart_requests(sheet.sheet_id, sheet.headers, self.new_keys(sheet.title), look)
        self.requests = out
        return out

    def new_keys(self, title: str) -> dict[str, int]:
        """The row index each key of a new tab's rows is written at (they go in from row 2, in order)."""
        rows = self.inserts.get(title, [])
        return {key: 1 + offset for offset, row in enumerate(rows) if row and (key := cell_text(row[0][1]))}

    # --- a refused batch -------------------------------------------------------------

    def rows_moved(self, index: int | None, message: str) -> bool:
        """Does Google's refusal come from a guard or the write token (rows moved, see the module doc)?"""
        if index is None:
            return PROTECTED not in message and _METADATA_CLASH.search(message) is not None
        return index < self.fences

    def describe(self, index: int) -> tuple[str, str | None]:
        """The kind of request `index` and the tab it changes (None when it names none)."""
        kind, body = next(iter(self.requests[index].items()))
        sheet_id = _sheet_id_in(body)
        tab = next((s.title for s in self.sheets.values() if s.sheet_id == sheet_id), None)
        return kind, tab

    # --- tabs and columns -----------------------------------------------------------

    def sheet(self, title: str) -> _Sheet:
        try:
            return self.sheets[title]
        except KeyError:
            raise StructureError(f"the spreadsheet has no tab '{title}'") from None

    def ensure_tab(self, op: EnsureTab) -> None:
        sheet = self.sheets.get(op.tab)
        if sheet is None:
            rows = (op.look.grid_rows if op.look is not None else None) or NEW_SHEET_ROWS
            sheet = _Sheet(self.new_id(), op.tab, rows, NEW_SHEET_COLS, [[]], {}, [], new=True)
            self.sheets[op.tab] = sheet
            first = {"index": 0} if op.look is not None and op.look.first else {}
            self.structure.append({"addSheet": {"properties": {
                "sheetId": sheet.sheet_id, "title": op.tab, **first,
                "gridProperties": {"rowCount": rows, "columnCount": NEW_SHEET_COLS,
                                   "frozenRowCount": 1}}}})
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

    def column(self, sheet: _Sheet, header: str, *, create: bool = False, staff: bool = False) -> int:
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

    def find_key(self, sheet: _Sheet, column: int, key: str, hint: int) -> int:
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

    def put(self, sheet: _Sheet, index: int, cells: Sequence[tuple[str, Value]]) -> None:
        by_column = sorted((self.column(sheet, h, create=True), _cell(v)) for h, v in cells)
        run: list[tuple[int, dict[str, Any]]] = []
        for column, cell in by_column:
            if run and column != run[-1][0] + 1:
                self.cells.append(self.update_cells(sheet, index, run))
                run = []
            run.append((column, cell))
        if run:
            self.cells.append(self.update_cells(sheet, index, run))

    @staticmethod
    def update_cells(sheet: _Sheet, index: int, run: list[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
        return {"updateCells": {
            "start": {"sheetId": sheet.sheet_id, "rowIndex": index, "columnIndex": run[0][0]},
            "rows": [{"values": [cell for _, cell in run]}],
            "fields": VALUE_FIELDS}}

    def touch_row(self, sheet: _Sheet, index: int, key: str) -> None:
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
                    out.append(self.create_meta(sheet, index, KEY, key or "", self.new_id()))
                else:
                    value = key if key is not None else str(entry.get("metadataValue", ""))
                    out += self.guard(sheet, index, entry, value)
            found = sheet.sentinel()
            if found is not None:
                out += self.guard(sheet, found[0], found[1], str(found[1].get("metadataValue", "")))
            elif sheet.rows > 0:
                out.append(self.create_meta(sheet, sheet.rows - 1, END, "", self.new_id()))
        return out

    def guard(self, sheet: _Sheet, index: int, entry: dict[str, Any], value: str) -> list[dict[str, Any]]:
        return guard_requests(sheet.sheet_id, index, entry, value)

    @staticmethod
    def create_meta(sheet: _Sheet, index: int, key: str, value: str, meta_id: int) -> dict[str, Any]:
        return create_meta_request(sheet.sheet_id, index, key, value, meta_id)

    # --- new rows -------------------------------------------------------------------

    def new_rows(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for title, rows in self.inserts.items():
            sheet = self.sheets[title]
            # below the last row holding data (or the header): rows below move down, nothing is overwritten
            at = sheet.last_data + 1
            if at >= sheet.rows:
                out.append({"appendDimension": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "length": 1}})
                sheet.rows += 1
            out.append({"insertDimension": {
                "range": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": at,
                          "endIndex": at + len(rows)},
                "inheritFromBefore": at > 1}})
            sheet.rows += len(rows)
            out.append({"updateCells": {
                "start": {"sheetId": sheet.sheet_id, "rowIndex": at, "columnIndex": 0},
                "rows": [{"values": self.row_values(sheet, row)} for row in rows],
                "fields": VALUE_FIELDS}})
            for offset, row in enumerate(rows):
                key = cell_text(row[0][1]) if row else None
                out.append(self.create_meta(sheet, at + offset, KEY, key or "", self.new_id()))
        for title, rows in self.appends.items():
            sheet = self.sheets[title]
            out.append({"appendCells": {
                "sheetId": sheet.sheet_id,
                "rows": [{"values": self.row_values(sheet, cells)} for cells in rows],
                "fields": VALUE_FIELDS}})
        return out

    def row_values(self, sheet: _Sheet, cells: Sequence[tuple[str, Value]]) -> list[dict[str, Any]]:
        placed = {self.column(sheet, h, create=True): _cell(v) for h, v in cells}
        width = max(placed, default=-1) + 1
        return [placed.get(i, {}) for i in range(width)]

    def validation_requests(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for sheet, column, dropdown in self.validations:
            out.append({"setDataValidation": {
                "range": {"sheetId": sheet.sheet_id, "startRowIndex": 1, "endRowIndex": sheet.rows,
                          "startColumnIndex": column, "endColumnIndex": column + 1},
                "rule": {
                    "condition": {"type": "ONE_OF_LIST",
                                  "values": [{"userEnteredValue": c} for c in dropdown.choices]},
                    "inputMessage": "Pilih salah satu pilihan dari daftar.",
                    "strict": True,
                    "showCustomUi": True}}})
        return out
