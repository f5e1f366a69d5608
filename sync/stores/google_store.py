"""The Google store: the office's Google spreadsheet, through the Sheets API (gspread's HTTP client).

A cycle costs one `spreadsheets.get` (every tab, unformatted values, row metadata) and,
when there is something to write, one `spreadsheets.batchUpdate`, which Google applies
atomically: all of a cycle's writes or none. A store kept across cycles (`run`) answers an
idle cycle's read from its last full read when two small requests show that nothing changed
since (sync/stores/google_changes.py); the cycle after any write reads in full.

No request exceeds `max_request_bytes` (`worker.max_request_bytes`): a store's first read
asks for the tabs' sizes first, and a spreadsheet whose answer would be larger is read in
parts (sync/stores/google_read.py); a plan whose batch would be larger is written in parts,
one cycle each (sync/cycle/batches.py), measured here (`request_bytes`) without being sent.
Google's "Request payload size exceeds the limit" is a PayloadTooLarge (the cycle sends
less), never a moved row.

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

A tab the worker makes is its header and a small margin (`NEW_SHEET_ROWS`); the worker inserts its
rows above the margin, inside the ranges of the tab's dropdowns and colours, so the grid grows with
the content (see `_Batch.room`) and a full read, which answers every row a dropdown covers, stays
the size of the office's data.

Values are written as `stringValue` / `numberValue`, never as formulas.
"""

from __future__ import annotations

import json
import logging
import random as _random
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import gspread
import requests

from rules.errors import SapaError, StructureError, TransientError
from sync.stores import google_changes, google_read, workspace
from sync.stores.google_errors import TOO_LARGE, sheets_error
from sync.stores.google_requests import (
    END,
    KEY,
    NEW_SHEET_COLS,
    NEW_SHEET_ROWS,
    TOKEN,
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
from sync.stores.google_retry import DEFAULT_TIMEOUT, RetryPolicy, error_message, status_of
from sync.stores.refusals import RequestRefused
from sync.stores.responses import fingerprint, response_tab_names
from sync.stores.store import (
    AppendRow,
    Dropdown,
    EnsureTab,
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
DEFAULT_LOG_TABS = ("Log Aktivitas",)
DEFAULT_MAX_REQUEST_BYTES = 2_000_000  # worker.max_request_bytes

READ_FIELDS = (
    f"{google_read.SETTINGS_FIELDS},developerMetadata(metadataId,metadataKey),"
    "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),"
    "data(startRow,rowData(values(effectiveValue)),"
    "rowMetadata(developerMetadata(metadataId,metadataKey,metadataValue))))"
)


@dataclass(frozen=True)
class _LastRead:
    """A full read's answer, and what the small requests of change detection should find while it holds."""

    view: google_changes.View
    body: dict[str, Any]


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
        full_read_every: int = google_changes.FULL_READ_EVERY,
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
        # Change detection (sync/stores/google_changes.py): the last full read, while nothing changed since
        self.full_read_every = full_read_every
        self._last: _LastRead | None = None
        self._unchanged_reads = 0  # reads answered from `_last` since it was read
        self._block_rows: int | None = None  # None: the fingerprint block is fresh; else rows to rewrite over

    # --- requests -------------------------------------------------------------------

    def _request(self, what: str, method: str, url: str, **kwargs: Any) -> Any:
        return self._sized(what, method, url, **kwargs)[0]

    def _sized(self, what: str, method: str, url: str, **kwargs: Any) -> tuple[Any, int]:
        """Google's answer to one request, and its size in bytes."""
        def call() -> tuple[Any, int]:
            response = self.client.http_client.request(method, url, **kwargs)
            return response.json(), len(response.content)

        try:
            return self.retry.run(what, call)
        except gspread.exceptions.APIError as err:
            if status_of(err) == 400 and what == "the write" and TOO_LARGE not in error_message(err):
                raise self._refused_write(error_message(err)) from None
            raise sheets_error(what, err, self.spreadsheet_id, self._email()) from None
        except requests.RequestException as err:
            raise sheets_error(what, err, self.spreadsheet_id, self._email()) from None

    def _email(self) -> str | None:
        """The worker's service account e-mail, or None when signed in as a person."""
        account = getattr(getattr(self.client, "auth", None), "service_account_email", None)
        return account if isinstance(account, str) and account else None

    def _account(self) -> str:
        """' (<the worker's service account e-mail>)', or '' when signed in as a person."""
        email = self._email()
        return f" ({email})" if email else ""

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
        body, props = self._unchanged()
        if body is None:
            body = self._read_body(props)
            self._remember(body)
        sheets = {s.title: s for s in (sheet_of(raw) for raw in body.get("sheets") or [])}
        self._tokens = [
            int(m["metadataId"]) for m in body.get("developerMetadata") or [] if m.get("metadataKey") == TOKEN
        ]
        names = response_tab_names(list(sheets), self._responses_tab, "the spreadsheet")
        self._sheets = sheets
        tables = {t: sheets[t].table() for t in {*names, *worker_tabs} if t in sheets}
        for title, sheet in sheets.items():
            headers = tables[title].headers if title in tables else sheet.table().headers
            sheet.read_headers, sheet.headers = headers, list(headers)
        locale, time_zone = google_read.settings_of(body)
        return Snapshot(response_tabs=tuple(tables[n] for n in names),
                        tabs={t: tables[t] for t in worker_tabs if t in tables}, locale=locale, time_zone=time_zone)

    def _unchanged(self) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The last full read's answer, when two small requests show that nothing changed since (else None);
        and the tabs' properties the first of them got (None when not asked), for the full read to use."""
        last = self._last
        if last is None or self._unchanged_reads + 1 >= self.full_read_every:
            return None, None
        url = f"{SHEETS_API}/{self.spreadsheet_id}"
        props = self._request("the check for changes", "get", url, params={"fields": google_read.PROPERTIES_FIELDS})
        ranges = google_changes.fingerprint_range(workspace.GUIDE_TAB, len(last.view.fingerprints))
        answer = self._request("the check for changes", "get", url, params={
            "ranges": ranges, "includeGridData": "true", "fields": google_changes.LOOK_FIELDS})
        if google_changes.view_of(props, google_changes.fingerprints_in(answer)) != last.view:
            return None, props
        self._unchanged_reads += 1
        return last.body, props

    def _remember(self, body: dict[str, Any]) -> None:
        """Keep a full read's answer for the reads to come, if its fingerprint block can vouch for it."""
        self._last, self._unchanged_reads = None, 0
        block = google_changes.block_of(body, workspace.GUIDE_TAB)
        if not google_changes.fresh(block, google_changes.wanted(self._grids or [], workspace.GUIDE_TAB)):
            self._block_rows = len(block or [])
            return
        self._block_rows = None
        fingerprints = [row[2] for row in block or []]
        self._last = _LastRead(google_changes.view_of(body, fingerprints), body)

    def _read_body(self, props: dict[str, Any] | None = None) -> dict[str, Any]:
        """Every tab's values and row metadata: in one answer, or in parts when that would exceed the
        budget (see sync/stores/google_read.py). The sizes are `props` (just asked for), those of the last
        read, or asked for first."""
        url = f"{SHEETS_API}/{self.spreadsheet_id}"

        def get(params: dict[str, Any]) -> tuple[Any, int]:
            return self._sized("the read", "get", url, params=params)

        budget = self.max_request_bytes
        if props is not None:
            self._grids = google_read.grids(props)
        elif self._grids is None or google_read.answer_estimate(self._grids, self._profile) > budget:
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
        return body_bytes(batch.build(plan, self._tokens, self._block_rows))

    def write(self, plan: WritePlan) -> None:
        if not plan:
            return
        if self._sheets is None:
            raise SapaError("internal error: write() before read(); the cycle must read first")
        sheets, self._sheets = self._sheets, None  # one write per read
        self._last = None  # whatever Google answers, the next read is a full one
        batch = _Batch(sheets, self.log_tabs, self._randint)
        requests_ = batch.build(plan, self._tokens, self._block_rows)
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


def sheet_of(raw: dict[str, Any]) -> _Sheet:
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
    def room(sheet: _Sheet, count: int, out: list[dict[str, Any]]) -> int:
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

    def row_values(self, sheet: _Sheet, cells: Sequence[tuple[str, Value]]) -> list[dict[str, Any]]:
        placed = {self.column(sheet, h, create=True): cell_data(v) for h, v in cells}
        width = max(placed, default=-1) + 1
        return [placed.get(i, {}) for i in range(width)]

    def validation_requests(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for sheet, column, dropdown in self.validations:
            out.append(dropdown_rule(sheet.sheet_id, column, sheet.rows, dropdown))
        return out
