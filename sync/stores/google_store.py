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
the content (see `Batch.room`) and a full read, which answers every row a dropdown covers, stays
the size of the office's data.

Values are written as `stringValue` / `numberValue`, never as formulas.

This module is the HTTP side: requests, retries, the read and the change check, the one write. What it
sends is built elsewhere: the batch from the plan (google_batch.py, over the tabs as read in
google_sheet.py), reads in parts (google_read.py), the fingerprint block (google_changes.py); what
Google's refusals mean, and what to do about them, is said in google_errors.py.
"""

from __future__ import annotations

import logging
import random as _random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

import gspread
import requests

from rules.errors import SapaError
from sync.stores import google_changes, google_read, workspace
from sync.stores.google_batch import Batch, body_bytes
from sync.stores.google_errors import TOO_LARGE, refused_write, sheets_error
from sync.stores.google_requests import TOKEN
from sync.stores.google_retry import DEFAULT_TIMEOUT, RetryPolicy, error_message, status_of
from sync.stores.google_sheet import Sheet, sheet_of
from sync.stores.responses import response_tab_names
from sync.stores.store import Snapshot, WritePlan

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
        self._sheets: dict[str, Sheet] | None = None
        self._tokens: list[int] = []
        self._writing: Batch | None = None  # the batch being sent, to explain a refusal
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
                raise refused_write(error_message(err), self._writing, self._account(), self._protected_tabs) from None
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
        batch = Batch(sheets, self.log_tabs, _random.Random(0).randint)
        return body_bytes(batch.build(plan, self._tokens, self._block_rows))

    def write(self, plan: WritePlan) -> None:
        if not plan:
            return
        if self._sheets is None:
            raise SapaError("internal error: write() before read(); the cycle must read first")
        sheets, self._sheets = self._sheets, None  # one write per read
        self._last = None  # whatever Google answers, the next read is a full one
        batch = Batch(sheets, self.log_tabs, self._randint)
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

