"""`python -m sync init`: prepare the office's form spreadsheet and letters folder for the worker.

Requests: one `spreadsheets.get` (every tab's values, row metadata, protections, frozen
rows) and, only when something is missing, one `spreadsheets.batchUpdate` (atomic: all
of it or nothing); on Drive one `files.list` of the letters folder and one `files.create`
per template not there yet. A second run finds everything in place: two requests, the
`get` and the `list`, and nothing written.

Nothing staff made is changed. Existing tabs, values, columns, dropdowns and protections
stay; only what is missing is added: a tab, a header at the right of a tab, a frozen
header row on a worker tab that has none, row metadata, a protection, an editor the
configuration names on one of the worker's protections (never removed: take a person
off by hand in Data → Protected sheets and ranges), a letter template. A tab init makes is its
header and a small margin of empty rows (`NEW_SHEET_ROWS`), with its dropdowns and colours over
them: the worker's rows go in above the margin and grow the grid (see google_store.py).

Protections, each described "[sapa-sync] …" in Data → Protected sheets and ranges:

- every worker tab is protected as a whole sheet: only the worker edits it (and the
  spreadsheet's owner, whom Google never locks out), except its staff columns. The
  register and the log have no staff columns: worker only.
- each tab's staff columns are a protected range that the worker and the editors of
  the configuration (`google.editors`) edit: a role's tab its role;
  the review tab (`Admin - Tinjauan`) the Admin; the agenda of letters the Admin, Sub
  Koordinator, Kepala Bidang and Kepala Dinas (who file, draft and sign letters: any of
  them may set the status or ask for a redraft), not the Tim. A role with no editors
  configured keeps its staff columns open to everyone who can edit the spreadsheet
  (the report warns); running init again after filling `google.editors` protects them.
- the responses tab belongs to the form: only the worker's ID column (`ID Kasus SAPA`)
  is protected, worker only.

Every range is whole columns or a whole sheet, never bounded by rows: Google moves a
row bound when rows are inserted at it (the worker's first rows go right below the
header), so "row 2 down" would drift and lock staff out of new rows. The price: a
role's editors can also retype their own staff headers.

A protected sheet cannot be sorted in place by staff (a sort rewrites protected cells):
staff sort and filter with filter views (Data → Filter views), which change nothing for
the others.

What `GoogleStore` needs before its first write (see sync/stores/google_store.py): every row it
writes to carries `sapa.key` row metadata and every tab it writes to a `sapa.end`
sentinel on its last grid row; the first write creates them where missing, so it cannot
tell a row staff moved between its first read and write. Init places them: `sapa.key`
on every response row (its case ID when already marked, else empty) and on every keyed
row of a worker tab lacking it (its ID), and `sapa.end` on the responses tab and every
worker tab. The first cycle then guards every response row as later cycles do.
"""

from __future__ import annotations

import io
import logging
import random as _random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import gspread
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from config.settings import Settings
from letters.emblem import with_emblem
from letters.writer import TEMPLATE_KINDS, template_path
from rules.errors import InputError, SapaError, StructureError
from sync.cycle.tabs import Layout, Tabs, layouts
from sync.stores.google_errors import sheets_error
from sync.stores.google_requests import (
    END,
    KEY,
    NEW_SHEET_COLS,
    NEW_SHEET_ROWS,
    TOKEN,
    add_sheet,
    append_header,
    create_meta_request,
    dropdown_rule,
    fresh_id,
    look_requests,
    write_token,
)
from sync.stores.google_retry import DEFAULT_TIMEOUT, RetryPolicy, error_message, status_of
from sync.stores.google_sheet import sheet_of
from sync.stores.google_templates import (
    DOC,
    TEMPLATE_NAMES,
    TEMPLATE_PROPERTY,
    list_templates,
)
from sync.stores.responses import response_tab_names
from sync.stores.text import cell_text

log = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TAG = "[sapa-sync]"
AGENDA_ROLES = ("admin", "subkoor", "kabid", "kadis")

READ_FIELDS = (
    "developerMetadata(metadataId,metadataKey),"
    "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount,frozenRowCount)),basicFilter(range),"
    "protectedRanges(protectedRangeId,description,range,unprotectedRanges,editors),"
    "data(rowData(values(effectiveValue)),"
    "rowMetadata(developerMetadata(metadataId,metadataKey,metadataValue))))"
)


@dataclass
class InitReport:
    """What init found and did; `requests` counts the API requests it sent, by API."""

    spreadsheet_title: str = ""
    tabs_created: list[str] = field(default_factory=list)
    headers_added: dict[str, list[str]] = field(default_factory=dict)
    frozen: list[str] = field(default_factory=list)
    dressed: list[str] = field(default_factory=list)  # tabs given the workspace's look (sync/stores/workspace.py)
    dropdowns_added: dict[str, list[str]] = field(default_factory=dict)
    protections_added: list[str] = field(default_factory=list)
    protections_updated: list[str] = field(default_factory=list)
    row_keys_added: dict[str, int] = field(default_factory=dict)
    sentinels_added: list[str] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)  # kind -> document id (found or uploaded)
    templates_uploaded: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheets_requests: int = 0
    drive_requests: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.tabs_created or self.headers_added or self.frozen or self.dressed or self.dropdowns_added
            or self.protections_added or self.protections_updated or self.row_keys_added
            or self.sentinels_added or self.templates_uploaded
        )

    def render(self) -> str:
        """Plain lines for the command line (Indonesian / English)."""
        lines = [f"Spreadsheet: {self.spreadsheet_title}"]
        if self.tabs_created:
            lines.append(f"Tab dibuat / tabs created: {', '.join(self.tabs_created)}")
        for tab, headers in self.headers_added.items():
            if tab not in self.tabs_created:
                lines.append(f"Kolom ditambah / headers added in '{tab}': {', '.join(headers)}")
        if self.frozen:
            lines.append(f"Baris judul dibekukan / header rows frozen: {', '.join(self.frozen)}")
        if self.dressed:
            lines.append(f"Tampilan ruang kerja / workspace look (colours, filter, widths): {', '.join(self.dressed)}")
        for item in self.protections_added:
            lines.append(f"Proteksi ditambah / protection added: {item}")
        for item in self.protections_updated:
            lines.append(f"Proteksi diperbarui / protection updated: {item}")
        for tab, count in self.row_keys_added.items():
            lines.append(f"Penanda baris / row metadata on {count} row(s) of '{tab}'")
        for kind in self.templates_uploaded:
            lines.append(f"Template diunggah / template uploaded: {TEMPLATE_NAMES[kind]} ({self.templates[kind]})")
        if not self.changed:
            lines.append("Tidak ada yang perlu diubah / nothing to change: the spreadsheet is ready.")
        lines += [f"PERINGATAN / WARNING: {w}" for w in self.warnings]
        lines.append(f"Requests: Sheets {self.sheets_requests}, Drive {self.drive_requests}")
        return "\n".join(lines)


# --- the spreadsheet ------------------------------------------------------------------------


def init_spreadsheet(
    client: gspread.Client,
    drive: Any,
    settings: Settings,
    *,
    worker_email: str | None = None,
    retry: RetryPolicy | None = None,
    randint: Callable[[int, int], int] | None = None,
) -> InitReport:
    """Add what is missing to the spreadsheet (one read, at most one write), then the templates.

    `drive` may be None (or `google.letters_folder_id` empty): the templates are then
    skipped with a warning. `worker_email` (the service account's address) is named as
    editor of every protection; without it Google keeps the requesting account as one.
    """
    spreadsheet_id = settings.google.spreadsheet_id
    if not spreadsheet_id:
        raise InputError("google.spreadsheet_id is empty: copy the id from the spreadsheet's URL (/d/<id>/edit).")
    http = client.http_client
    if getattr(http, "timeout", None) is None:
        http.set_timeout(DEFAULT_TIMEOUT)
    report = InitReport()
    retry = retry or RetryPolicy()
    body = _sheets_call(
        "the read", spreadsheet_id, retry,
        lambda: http.fetch_sheet_metadata(
            spreadsheet_id, params={"includeGridData": "true", "fields": "properties(title)," + READ_FIELDS}
        ),
        worker_email,
    )
    report.sheets_requests += 1
    report.spreadsheet_title = str((body.get("properties") or {}).get("title", ""))
    plan = _Plan(body, settings, worker_email, randint or _random.SystemRandom().randint, report)
    requests_ = plan.build()
    if requests_:
        _sheets_call(
            "the write", spreadsheet_id, retry,
            lambda: http.batch_update(spreadsheet_id, {"requests": requests_}),
            worker_email,
        )
        report.sheets_requests += 1
    folder = settings.google.letters_folder_id
    if drive is None or not folder:
        report.warnings.append(
            "google.letters_folder_id is empty: no letter template uploaded, no letter will be drafted "
            "(kosong: template surat tidak diunggah)."
        )
    else:
        _templates(drive, folder, settings, report, retry)
    return report


def _sheets_call(
    what: str, spreadsheet_id: str, retry: RetryPolicy, call: Callable[[], Any], worker: str | None
) -> Any:
    try:
        return retry.run(f"init: {what}", call)
    except gspread.exceptions.APIError as err:
        if status_of(err) == 400 and what == "the write":
            raise SapaError(
                f"Google refused init's write, nothing of it was applied: {error_message(err)[:200]}. If an "
                "earlier attempt timed out it was applied already; run init again: it adds only what is missing."
            ) from None
        raise sheets_error(f"{what} of init", err, spreadsheet_id, worker) from None
    except requests.RequestException as err:
        raise sheets_error(f"{what} of init", err, spreadsheet_id, worker) from None


@dataclass
class _Tab:
    """One tab as read (or about to be created), and what this run adds to it."""

    sheet_id: int
    title: str
    rows: int
    cols: int
    headers: list[str]
    values: list[list[object]]
    meta: dict[int, list[dict[str, Any]]]
    frozen: int
    protections: list[dict[str, Any]]
    new: bool = False
    dressed: bool = False  # has a filter: the workspace's look was applied (by init or the worker)


class _Plan:
    """Builds the one batchUpdate of init from what the read found missing."""

    def __init__(
        self,
        body: dict[str, Any],
        settings: Settings,
        worker: str | None,
        randint: Callable[[int, int], int],
        report: InitReport,
    ) -> None:
        self.settings = settings
        self.worker = worker
        self.randint = randint
        self.report = report
        self.tabs: dict[str, _Tab] = {}
        self.used: set[int] = set()
        for raw in body.get("sheets") or []:
            sheet = sheet_of(raw)
            props = raw.get("properties") or {}
            grid = props.get("gridProperties") or {}
            headers = list(sheet.table().headers)
            self.tabs[sheet.title] = _Tab(
                sheet.sheet_id, sheet.title, sheet.rows, sheet.cols, headers, sheet.values, sheet.meta,
                int(grid.get("frozenRowCount", 0)), list(raw.get("protectedRanges") or []),
                dressed="basicFilter" in raw,
            )
            self.used.add(sheet.sheet_id)
            self.used |= {int(m["metadataId"]) for e in sheet.meta.values() for m in e if "metadataId" in m}
            self.used |= {int(p["protectedRangeId"]) for p in raw.get("protectedRanges") or []
                          if "protectedRangeId" in p}
        self.tokens = [int(m["metadataId"]) for m in body.get("developerMetadata") or []
                       if m.get("metadataKey") == TOKEN]
        self.used |= set(self.tokens)
        self.structure: list[dict[str, Any]] = []
        self.metadata: list[dict[str, Any]] = []
        self.protect: list[dict[str, Any]] = []

    def new_id(self) -> int:
        return fresh_id(self.randint, self.used)

    def build(self) -> list[dict[str, Any]]:
        tabs = layouts(self.settings)
        responses = self.responses_tabs()
        self.offer_go_live(responses)
        editors = editor_roles(tabs)
        for layout in tabs.all:
            self.ensure(layout)
        keyed = [layout for layout in tabs.all if layout.name != self.settings.tabs.log]
        for tab in responses:
            self.keys(tab, self.settings.tabs.response_marker_column, responses=True)
        for layout in keyed:
            self.keys(self.tabs[layout.name], layout.key)
        for tab in [*responses, *(self.tabs[layout.name] for layout in tabs.all)]:
            self.sentinel(tab)
        for layout in tabs.all:
            self.protect_tab(layout, editors.get(layout.name, ()))
        for tab in responses:
            self.protect_marker(tab)
        out = self.structure + self.metadata + self.protect
        if not out:
            return []
        # a fresh write token (as GoogleStore's): a batch resent after a lost answer is refused, not applied twice
        return write_token(self.tokens, self.new_id()) + out

    # --- tabs, headers, dropdowns -------------------------------------------------------------

    def responses_tabs(self) -> list[_Tab]:
        """Every tab the form has written (a form linked again makes a second one), oldest first."""
        try:
            names = response_tab_names(list(self.tabs), self.settings.store.responses_tab, "the spreadsheet")
        except StructureError as err:
            raise StructureError(
                f"{err} Link the Google Form to this spreadsheet (Form → Responses → Link to Sheets) first; "
                "nothing was changed."
            ) from None
        return [self.tabs[name] for name in names]

    def offer_go_live(self, responses: Sequence[_Tab]) -> None:
        """A form with responses the worker has not numbered, and no go-live date: say what will happen."""
        if self.settings.intake.history_before is not None:
            return
        marker = self.settings.tabs.response_marker_column
        waiting = 0
        for tab in responses:
            at = tab.headers.index(marker) if marker in tab.headers else None
            waiting += sum(1 for row in tab.values[1:] if any(cell_text(v) for v in row)
                           and (at is None or at >= len(row) or not cell_text(row[at])))
        if waiting:
            today = datetime.now(self.settings.zone).date().isoformat()
            self.report.warnings.append(
                f"{waiting} form responses are not numbered yet and intake.history_before is empty: the first "
                "cycle makes each an active case in the Admin's queue, with deadlines from its own date. If "
                f"they were handled before the worker, set `intake: history_before: {today}` (today) in the "
                f"configuration first (respons lama menjadi kasus riwayat, bukan antrean Admin)."
            )

    def ensure(self, layout: Layout) -> None:
        tab = self.tabs.get(layout.name)
        if tab is None:
            sheet_id = self.new_id()
            cols = max(NEW_SHEET_COLS, len(layout.headers))
            rows = (layout.look.grid_rows if layout.look is not None else None) or NEW_SHEET_ROWS
            tab = _Tab(sheet_id, layout.name, rows, cols, [], [[]], {}, 1, [], new=True)
            self.tabs[layout.name] = tab
            first = layout.look is not None and layout.look.first
            self.structure.append(add_sheet(sheet_id, layout.name, rows, cols, first=first))
            self.report.tabs_created.append(layout.name)
        elif tab.frozen < 1:
            self.structure.append({"updateSheetProperties": {
                "properties": {"sheetId": tab.sheet_id, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount"}})
            tab.frozen = 1
            self.report.frozen.append(layout.name)
        added = [h for h in layout.headers if h not in tab.headers]
        for header in added:
            self.add_header(tab, header, staff=header in layout.staff)
        if added:
            self.report.headers_added[layout.name] = added
        dropdowns = [d for d in layout.dropdowns if d.header in added]
        for dropdown in dropdowns:
            self.structure.append(dropdown_rule(tab.sheet_id, tab.headers.index(dropdown.header), tab.rows, dropdown))
        if dropdowns:
            self.report.dropdowns_added[layout.name] = [d.header for d in dropdowns]
        if layout.look is not None and not tab.dressed:
            # once: a tab with a filter keeps the look staff may have adjusted since
            self.structure += look_requests(tab.sheet_id, tab.headers, tab.rows, layout.look)
            tab.dressed = True
            self.report.dressed.append(layout.name)

    def add_header(self, tab: _Tab, header: str, *, staff: bool = False) -> int:
        """At the right of the last header, exactly as GoogleStore adds a column."""
        return append_header(tab, header, self.structure, staff=staff)

    # --- row metadata ---------------------------------------------------------------------------

    def keys(self, tab: _Tab, key_header: str, *, responses: bool = False) -> None:
        """`sapa.key` on each data row lacking it: the row's ID (empty for a response not yet marked)."""
        if tab.new:
            return
        column = tab.headers.index(key_header) if key_header in tab.headers else None
        count = 0
        for index in range(1, len(tab.values)):
            row = tab.values[index]
            if not any(v is not None and v != "" for v in row) or _has(tab, index, KEY):
                continue
            key = cell_text(row[column]) if column is not None and column < len(row) else None
            if not key and not responses:
                continue  # a worker tab's row without an ID is not the worker's
            self.metadata.append(self.meta(tab, index, KEY, key or ""))
            count += 1
        if count:
            self.report.row_keys_added[tab.title] = count

    def sentinel(self, tab: _Tab) -> None:
        if any(m.get("metadataKey") == END for entries in tab.meta.values() for m in entries):
            return
        self.metadata.append(self.meta(tab, tab.rows - 1, END, ""))
        self.report.sentinels_added.append(tab.title)

    def meta(self, tab: _Tab, index: int, key: str, value: str) -> dict[str, Any]:
        request = create_meta_request(tab.sheet_id, index, key, value, self.new_id())
        tab.meta.setdefault(index, []).append(request["createDeveloperMetadata"]["developerMetadata"])
        return request

    # --- protections ----------------------------------------------------------------------------

    def configured(self, roles: Iterable[str]) -> set[str]:
        editors = self.settings.google.editors
        return {e.strip() for role in roles for e in editors.get(role, []) if e.strip()}

    def users(self, roles: Iterable[str]) -> list[str]:
        """The roles' editors from the configuration, and the worker."""
        return sorted(self.configured(roles) | ({self.worker} if self.worker else set()))

    def protect_tab(self, layout: Layout, roles: Sequence[str]) -> None:
        tab = self.tabs[layout.name]
        staff_columns = sorted(tab.headers.index(h) for h in layout.staff if h in tab.headers)
        sheet_protection = next((p for p in tab.protections if _whole_sheet(p)), None)
        staff_ranges = [_columns(tab.sheet_id, a, b) for a, b in _runs(staff_columns)]
        # A tab staff work in keeps its worker columns behind a warning, not a lock, so that
        # staff can still sort and filter it in place (the worker finds rows by case ID and
        # refuses a write into rows that moved); the register and the log are locked.
        warn_only = bool(layout.staff)
        if sheet_protection is None:
            self.protect.append({"addProtectedRange": {"protectedRange": {
                "protectedRangeId": self.new_id(),
                "range": {"sheetId": tab.sheet_id},
                "description": f"{TAG} {layout.name}: kolom sistem / worker columns"
                if warn_only else f"{TAG} {layout.name}: hanya pekerja sapa-sync / worker only",
                "warningOnly": warn_only,
                **({} if warn_only else {"editors": {"users": self.users(())}}),
                **({"unprotectedRanges": staff_ranges} if staff_ranges else {})}}})
            self.report.protections_added.append(f"{layout.name} ({'warning' if warn_only else 'worker only'})")
        elif _ours(sheet_protection):
            missing = [c for c in staff_columns
                       if not any(_covers(r, c) for r in sheet_protection.get("unprotectedRanges") or [])]
            if missing:
                ranges = list(sheet_protection.get("unprotectedRanges") or [])
                ranges += [_columns(tab.sheet_id, a, b) for a, b in _runs(missing)]
                self.protect.append({"updateProtectedRange": {"protectedRange": {
                    "protectedRangeId": sheet_protection["protectedRangeId"],
                    "unprotectedRanges": [{"sheetId": tab.sheet_id, **r} for r in ranges]},
                    "fields": "unprotectedRanges"}})
                self.report.protections_updated.append(f"{layout.name} (staff columns left open)")
            if not sheet_protection.get("warningOnly"):
                self.add_editors(sheet_protection, self.users(()), f"{layout.name} (worker only)")
        else:
            self.report.warnings.append(
                f"tab '{layout.name}' already has a sheet protection that sapa-sync did not make: left as it is. "
                "Check that its editors include the worker and that the staff columns are excepted."
            )
        if not staff_columns:
            return
        if not self.configured(roles):
            self.report.warnings.append(
                f"no editors configured for the staff columns of '{layout.name}' (google.editors: "
                f"{', '.join(roles) or '-'}): everyone who can edit the spreadsheet can type in them. "
                "Fill google.editors and run init again."
            )
            return
        ours = [p for p in tab.protections if _ours(p) and not _whole_sheet(p)]
        uncovered = [c for c in staff_columns if not any(_covers(p.get("range") or {}, c) for p in ours)]
        description = f"{TAG} {layout.name}: kolom staf / staff columns ({', '.join(roles)})"
        for a, b in _runs(uncovered):
            self.protect.append({"addProtectedRange": {"protectedRange": {
                "protectedRangeId": self.new_id(),
                "range": _columns(tab.sheet_id, a, b),
                "description": description,
                "warningOnly": False,
                "editors": {"users": self.users(roles)}}}})
            self.report.protections_added.append(f"{layout.name}: {', '.join(tab.headers[a:b])} ({', '.join(roles)})")
        for protection in ours:
            if any(_covers(protection.get("range") or {}, c) for c in staff_columns):
                self.add_editors(protection, self.users(roles), f"{layout.name} staff columns")

    def protect_marker(self, tab: _Tab) -> None:
        marker = self.settings.tabs.response_marker_column
        if marker not in tab.headers:
            self.add_header(tab, marker)
            self.report.headers_added[tab.title] = [marker]
        column = tab.headers.index(marker)
        if any(_ours(p) and _covers(p.get("range") or {}, column) for p in tab.protections):
            return
        self.protect.append({"addProtectedRange": {"protectedRange": {
            "protectedRangeId": self.new_id(),
            "range": _columns(tab.sheet_id, column, column + 1),
            "description": f"{TAG} {tab.title}: {marker}: hanya pekerja sapa-sync / worker only",
            "warningOnly": False,
            "editors": {"users": self.users(())}}}})
        self.report.protections_added.append(f"{tab.title}: {marker} (worker only)")

    def add_editors(self, protection: dict[str, Any], wanted: list[str], what: str) -> None:
        editors = dict(protection.get("editors") or {})
        have = {u.casefold() for u in editors.get("users") or []}
        missing = [u for u in wanted if u.casefold() not in have]
        if not missing:
            return
        editors["users"] = [*(editors.get("users") or []), *missing]
        self.protect.append({"updateProtectedRange": {
            "protectedRange": {"protectedRangeId": protection["protectedRangeId"], "editors": editors},
            "fields": "editors"}})
        self.report.protections_updated.append(f"{what}: + {', '.join(missing)}")


def editor_roles(tabs: Tabs) -> dict[str, tuple[str, ...]]:
    """Which roles' editors may type in each tab's staff columns (see the module doc)."""
    out: dict[str, tuple[str, ...]] = {layout.name: (role,) for role, layout in tabs.roles.items()}
    out[tabs.review.name] = ("admin",)
    out[tabs.agenda.name] = AGENDA_ROLES
    return out


def _has(tab: _Tab, index: int, key: str) -> bool:
    return any(m.get("metadataKey") == key for m in tab.meta.get(index, []))


def _columns(sheet_id: int, start: int, end: int) -> dict[str, Any]:
    """Whole columns: no row bound, which inserting or deleting rows would move."""
    return {"sheetId": sheet_id, "startColumnIndex": start, "endColumnIndex": end}


def _runs(columns: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous runs of sorted column indexes, as (start, end) half-open pairs."""
    out: list[tuple[int, int]] = []
    for column in sorted(set(columns)):
        if out and out[-1][1] == column:
            out[-1] = (out[-1][0], column + 1)
        else:
            out.append((column, column + 1))
    return out


def _ours(protection: dict[str, Any]) -> bool:
    return str(protection.get("description") or "").startswith(TAG)


def _whole_sheet(protection: dict[str, Any]) -> bool:
    bounds = ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
    rng = protection.get("range")
    return isinstance(rng, dict) and not any(rng.get(b) for b in bounds) and "namedRangeId" not in protection


def _covers(rng: dict[str, Any], column: int) -> bool:
    """Does the range hold the whole column (absent bounds are unbounded)?"""
    start_col, end_col = int(rng.get("startColumnIndex", 0)), rng.get("endColumnIndex")
    whole = not rng.get("startRowIndex") and rng.get("endRowIndex") is None
    return whole and start_col <= column < (int(end_col) if end_col is not None else 1 << 30)


# --- letter templates -----------------------------------------------------------------------


def _templates(drive: Any, folder: str, settings: Settings, report: InitReport, retry: RetryPolicy) -> None:
    try:
        found = {t.kind: t for t in reversed(list_templates(drive, folder, retry))}  # the oldest wins
        report.drive_requests += 1
        report.templates = {kind: t.id for kind, t in found.items()}
        for kind in TEMPLATE_KINDS:
            if kind in found:
                continue
            configured = getattr(settings.letters.templates, kind)
            report.templates[kind] = upload_template(drive, folder, kind, template_path(kind, configured), retry,
                                                     emblem=settings.letters.emblem)
            report.drive_requests += 1
            report.templates_uploaded.append(kind)
    except HttpError as err:
        raise _drive_error(err, folder) from None


def upload_template(
    drive: Any, folder: str, kind: str, path: Path, retry: RetryPolicy | None = None, *, emblem: Path | None = None
) -> str:
    """Upload a .docx as a Google Doc (Drive converts it) into the folder: one multipart `files.create`.
    With an `emblem` (letters.emblem), the .docx uploaded is the template with the emblem in its kop, made
    in memory: every letter copied from the Doc then shows it."""

    try:
        data = with_emblem(path, emblem) if emblem else path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the letter template {path}: {err.strerror}") from None
    media = MediaIoBaseUpload(io.BytesIO(data), mimetype=DOCX, resumable=False)
    body = {
        "name": TEMPLATE_NAMES[kind],
        "mimeType": DOC,
        "parents": [folder],
        "appProperties": {TEMPLATE_PROPERTY: kind},
        "description": "Template surat sapa-sync: ubah teksnya, jangan ubah {{penanda}}. / "
                       "sapa-sync letter template: edit the text, keep the {{placeholders}}.",
    }
    request = drive.files().create(body=body, media_body=media, fields="id", supportsAllDrives=True)
    made = (retry or RetryPolicy()).run(f"the upload of the {kind} template", request.execute)
    log.info("uploaded the %s template", kind)
    return str(made["id"])


def _drive_error(err: Any, folder: str) -> SapaError:
    status = int(getattr(getattr(err, "resp", None), "status", 0) or 0)
    content = getattr(err, "content", b"")
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else ""
    if status == 403 and "storageQuotaExceeded" in text:
        return InputError(
            f"the letters folder {folder} is not on a Shared Drive, and a service account has no Drive storage of "
            "its own: create the folder in a Shared Drive, add the service account to it as Content manager, and "
            "set google.letters_folder_id to that folder."
        )
    if status in (403, 404):
        return InputError(
            f"the letters folder {folder} was not found for the worker's account (HTTP {status}): check "
            "google.letters_folder_id (the id in the folder's URL) and share the folder with that account."
        )
    return SapaError(f"Google Drive answered HTTP {status} while uploading the letter templates")

