"""`python -m sync bench [--json]`: Google API requests per cycle, measured over the in-process API double.

The scenario: a form spreadsheet whose first cycles made cases and walked some of them
along the procedure; then, for the measured **busy cycle**, `responses` new form
responses arrive and staff type decisions on every role tab — among them a Kepala
Bidang approval (a Surat Tugas), a Kepala Dinas assignment (the Surat Tugas again) and a
Kepala Dinas referral (a Surat Rujukan). Every request of that cycle is counted (Sheets,
Drive and Docs), then those of the idle cycle after it — nothing new anywhere, at the same
clock time: it reads in full, as every cycle after a write does — then of the next idle cycle,
which learns from two small requests that nothing changed (sync/stores/google_changes.py), and
of another idle cycle an hour later: no cell changes with the clock alone (the deadline is a
date the sheet compares with NOW()), so that one costs its two small requests too, plus at most
the write of the help tab's "Diperbarui sistem" heartbeat when that is due.

`naive_requests` is measured too: the same scenario is built a second time on a fresh
double, the same busy cycle is planned (`sync.cycle.plan.plan_cycle`, from the same snapshot
and decisions) and its `WritePlan` is applied by `NaiveStore`, written the common way with
gspread — one call per new row and per changed cell, `get_all_values()` per tab — with
its letters drafted the common way too (a copy, then one `replaceAllText` batchUpdate per
placeholder). Both spreadsheets are then compared cell by cell (letter links aside). Over
`NAIVE_MAX` new responses the naive run is not made (its figures are None): one call per cell
of thousands of rows takes hours over the double, and the ratio is the same story at 60.

Last, a new office's first full read: the read after the first cycle of a form with 8 responses,
which made every tab; its size is that of the tabs the worker makes (their content and a margin).

The double is the `googledouble` package: it is imported only when the benchmark runs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from docx import Document
from gspread.utils import rowcol_to_a1

from config.settings import Settings
from googledouble import GoogleDouble
from googledouble.a1 import cell_name
from googledouble.forms import google_spreadsheet
from googledouble.sheets_values import set_value
from googledouble.values import Parsed, python_value
from letters.google_writer import GoogleLetterWriter
from letters.writer import TEMPLATE_KINDS, TEMPLATES, Order
from rules.complaint import FIELDS
from sync.commands import demo
from sync.commands.demo_walk import ASSIGN, FORWARD, IDENTIFY, REFER, REJECT, REPORT, VERIFY, Step
from sync.cycle.context import Context
from sync.cycle.plan import CyclePlan, plan_cycle
from sync.cycle.run import CycleResult, run_cycle, run_cycles
from sync.cycle.tabs import CASE_ID
from sync.stores import google_changes, workspace
from sync.stores.cells import serial
from sync.stores.google_retry import RetryPolicy
from sync.stores.google_store import GoogleStore
from sync.stores.store import AppendRow, EnsureTab, Link, MarkResponse, Snapshot, Table, UpdateRow, Value, WritePlan
from sync.stores.text import cell_text

RESPONSES_TAB = "Respons Formulir 1"
SETUP_AT = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # the first cycles (09:00 WIB onwards)
BUSY_AT = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # the measured cycle (10:00 WIB)
SETUP_START = datetime(2026, 11, 20, 8, 0)  # the setup cases' responses (local time)
BUSY_START = datetime(2026, 11, 21, 12, 0)  # the busy cycle's new responses (local time)
NAIVE_MAX = 500  # new responses above which the naive way is not measured
DOC_LINK = re.compile(r"https://docs\.google\.com/document/d/[^/\s]+/edit")

# One case per line: the staff steps typed before the busy cycle, then its decision in the busy cycle.
# Every letter of the busy cycle is a first draft (a redraft, e.g. at the Kepala Dinas's assignment, is not).
Cases = tuple[tuple[tuple[Step, ...], Step], ...]
CASES: Cases = (
    ((), FORWARD),  # Admin forwards
    ((), REJECT),  # Admin rejects with a reason
    ((FORWARD,), IDENTIFY),  # Sub Koordinator identifies
    ((FORWARD, IDENTIFY), VERIFY),  # Kepala Bidang approves: Surat Tugas
    ((FORWARD, IDENTIFY), VERIFY),  # again, another case: Surat Tugas
    ((FORWARD, IDENTIFY, VERIFY, ASSIGN), REPORT),  # Tim reports
    ((FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT), REFER),  # Kepala Dinas refers: Surat Rujukan
    ((FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT), REFER),  # again, another case: Surat Rujukan
)


def run_bench(responses: int = 60, requests_out: Path | None = None, naive_max: int = NAIVE_MAX) -> dict[str, Any]:
    """Measure the requests of a busy and an idle cycle, and of the same busy cycle written naively.

    `requests_out`: every request the worker sent in the run (set-up cycles included, the naive
    writer's not), one JSON object a line: method, URL and body."""
    if responses < 1:
        raise ValueError("responses must be at least 1")
    ctx = Context.from_settings(Settings())

    office = prepare(ctx, responses)
    double = office.double
    sent: list[Any] = []
    store = office.store()  # one store for the measured cycles, as `run` keeps it
    store.read([layout.name for layout in ctx.tabs.all])  # its first read also asks for the grid sizes
    sent += double.log
    double.reset_counts()
    busy_cycles: list[CycleResult] = []

    def busy_cycle() -> CycleResult:
        busy_cycles.append(run_cycle(store, ctx, BUSY_AT, office.writer))
        return busy_cycles[-1]

    run_cycles(busy_cycle)
    busy = _merged(busy_cycles)
    busy_counts = Counter(double.counts)
    largest_request = max((e.request_bytes for e in double.log), default=0)
    largest_response = max((e.response_bytes for e in double.log), default=0)
    busy_bytes = sum(e.response_bytes for e in double.log)
    after_busy = contents(office)
    sent += double.log
    double.reset_counts()
    run_cycle(store, ctx, BUSY_AT, office.writer)  # the first after a write reads in full
    full_counts = Counter(double.counts)
    full_bytes = sum(e.response_bytes for e in double.log)
    full_plain = sum(e.response_plain_bytes for e in double.log)
    sent += double.log
    double.reset_counts()
    idle = run_cycle(store, ctx, BUSY_AT, office.writer)  # nothing changed since: two small requests
    idle_counts = Counter(double.counts)
    idle_bytes = sum(e.response_bytes for e in double.log)
    idle_plain = sum(e.response_plain_bytes for e in double.log)
    sent += double.log
    double.reset_counts()
    later = run_cycle(store, ctx, BUSY_AT + timedelta(hours=1), office.writer)
    later_counts = Counter(double.counts)
    sent += double.log
    if requests_out is not None:
        _write_requests(requests_out, sent)

    new_office_bytes, new_office_plain = _new_office_read(ctx)
    letters = len(busy.letters)
    letter_requests = sum(n for m, n in busy_counts.items() if not m.startswith("sheets."))
    sheets_requests = sum(n for m, n in busy_counts.items() if m.startswith("sheets."))
    busy_total = sum(busy_counts.values())
    naive = _naive_figures(ctx, responses, busy, after_busy, busy_total) if responses <= naive_max else {
        "naive_requests": None, "naive_sheets_requests": None, "naive_letters_drafted": None,
        "naive_same_plan": None, "naive_same_spreadsheet": None, "naive_to_busy_ratio": None}
    return {
        "idle_cycle_requests": sum(idle_counts.values()),
        "idle_cycle_writes": len(idle.plan.operations),
        "idle_hour_later_requests": sum(later_counts.values()),
        "idle_hour_later_writes": len(later.plan.operations),
        "busy_cycle_requests": busy_total,
        "busy_cycles": len(busy_cycles),  # more than one when its write is over worker.max_request_bytes
        "largest_request_bytes": largest_request,
        "largest_response_bytes": largest_response,  # on the wire: compressed when the client asks
        "idle_cycle_response_bytes": idle_bytes,
        "idle_cycle_response_uncompressed_bytes": idle_plain,
        "full_read_requests": sum(full_counts.values()),  # an idle cycle reading in full: after a write, or
        "full_read_response_bytes": full_bytes,  # every worker.full_read_every cycles
        "full_read_response_uncompressed_bytes": full_plain,
        "full_read_every": store.full_read_every,
        "new_office_full_read_response_bytes": new_office_bytes,  # the read after a new office's first cycle
        "new_office_full_read_response_uncompressed_bytes": new_office_plain,
        "busy_cycle_response_bytes": busy_bytes,
        "busy_cycle_sheets_requests": sheets_requests,
        "busy_cycle_letter_requests": letter_requests,
        "new_responses": responses,
        "cases_created": busy.count("case_created"),
        "responses_to_review": busy.count("to_review"),
        "decisions_applied": busy.count("transition"),
        "letters_drafted": letters,
        "requests_per_letter": letter_requests / letters if letters else None,
        "write_operations": len(busy.plan.operations),
        **{k: v for k, v in naive.items() if k != "by_method"},
        "by_method": {
            "idle_cycle": dict(sorted(idle_counts.items())),
            "full_read": dict(sorted(full_counts.items())),
            "idle_hour_later": dict(sorted(later_counts.items())),
            "busy_cycle": dict(sorted(busy_counts.items())),
            "naive": naive.get("by_method", {}),
        },
    }


def _naive_figures(ctx: Context, responses: int, busy: CyclePlan, after_busy: dict[str, list[str]],
                   busy_total: int) -> dict[str, Any]:
    """The same busy cycle written the naive way, compared with the worker's."""
    naive_office, naive_plan, naive_counts, naive_letters = _naive(ctx, responses)
    naive_total = sum(naive_counts.values())
    return {
        "naive_requests": naive_total,
        "naive_sheets_requests": sum(n for m, n in naive_counts.items() if m.startswith("sheets.")),
        "naive_letters_drafted": naive_letters,
        "naive_same_plan": _comparable(naive_plan) == _comparable(busy.plan),
        "naive_same_spreadsheet": contents(naive_office) == after_busy,
        "naive_to_busy_ratio": round(naive_total / busy_total, 1) if busy_total else None,
        "by_method": dict(sorted(naive_counts.items())),
    }


def _new_office_read(ctx: Context) -> tuple[int, int]:
    """The answer's bytes (on the wire, uncompressed) of the full read after a new office's first cycle,
    which made every tab: what tabs of the size of their content cost each cycle from day one."""
    office = _office(ctx, Settings())  # the form's first 8 responses
    run_cycle(office.store(), ctx, SETUP_AT, office.writer)
    office.double.reset_counts()
    office.store().read([layout.name for layout in ctx.tabs.all])
    gets = [e for e in office.double.log if e.method_id == "sheets.spreadsheets.get"]
    return sum(e.response_bytes for e in gets), sum(e.response_plain_bytes for e in gets)


def _merged(cycles: Sequence[CyclePlan]) -> CyclePlan:
    """The cycles a busy cycle took (one unless its write was cut in parts) as one result."""
    first = cycles[0]
    return CyclePlan(WritePlan(tuple(op for c in cycles for op in c.plan.operations)),
                     [e for c in cycles for e in c.events], first.cases, first.problems,
                     [o for c in cycles for o in c.letters])


def render(result: Mapping[str, Any]) -> str:
    """A short English table of `run_bench()`'s figures."""
    per_letter = result.get("requests_per_letter")
    rows = [
        ("idle cycle (nothing new)", result["idle_cycle_requests"]),
        (f"idle cycle an hour later ({result.get('idle_hour_later_writes', '?')} writes)",
         result.get("idle_hour_later_requests", "-")),
        (f"busy cycle ({result['new_responses']} new responses, {result.get('decisions_applied', '?')} decisions, "
         f"{result['letters_drafted']} letters)", result["busy_cycle_requests"]),
        ("  of which Sheets (one read, one atomic write)" if result.get("busy_cycles", 1) == 1
         else f"  of which Sheets ({result['busy_cycles']} cycles: a read and a write each)",
         result["busy_cycle_sheets_requests"]),
        ("  largest request body (bytes)", result.get("largest_request_bytes", "-")),
        ("  largest answer (bytes on the wire)", result.get("largest_response_bytes", "-")),
        ("  answers of the busy cycle (bytes on the wire)", result.get("busy_cycle_response_bytes", "-")),
        ("answers of the idle cycle (bytes on the wire)", result.get("idle_cycle_response_bytes", "-")),
        (f"idle cycle reading in full (after a write; at least every {result.get('full_read_every', '?')} cycles)",
         result.get("full_read_requests", "-")),
        ("  its answers (bytes on the wire)", result.get("full_read_response_bytes", "-")),
        (f"  of which Drive + Docs ({per_letter:g} a letter)" if per_letter is not None
         else "  of which Drive + Docs", result.get("busy_cycle_letter_requests", "-")),
        ("a new office's first full read: its answers (bytes on the wire)",
         result.get("new_office_full_read_response_bytes", "-")),
        ("  uncompressed", result.get("new_office_full_read_response_uncompressed_bytes", "-")),
        ("same busy cycle, one gspread call per row and per cell",
         result["naive_requests"] if result["naive_requests"] is not None else f"not made (>{NAIVE_MAX})"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = ["Google API requests per cycle, measured over the in-process API double", ""]
    lines += [f"{label:<{width}}  {value:>6}" for label, value in rows]
    ratio = result.get("naive_to_busy_ratio")
    if ratio:
        lines.append(f"{'':<{width}}  ({ratio:g} times as many)")
    same = result.get("naive_same_spreadsheet")
    if same is not None:
        lines.append("")
        lines.append("both ways leave the same spreadsheet" if same
                     else "warning: the naive run left a different spreadsheet")
    by_method = result.get("by_method") or {}
    for title, key in (("busy cycle", "busy_cycle"), ("naive", "naive")):
        counts = by_method.get(key) or {}
        if counts:
            lines += ["", f"{title}, by API method:"]
            lines += [f"  {method:<44} {count:>6}" for method, count in counts.items()]
    return "\n".join(lines)


# --- the scenario ------------------------------------------------------------------------


@dataclass
class Office:
    """One office's spreadsheet, letters folder and templates in a fresh double."""

    double: Any
    ctx: Context
    spreadsheet_id: str
    drive: Any
    docs: Any
    folder: str
    templates: dict[str, str]
    writer: GoogleLetterWriter

    def store(self) -> GoogleStore:
        return GoogleStore(self.double.gspread_client(), self.spreadsheet_id, RESPONSES_TAB,
                           retry=RetryPolicy(sleep=lambda _: None))

    def tab(self, name: str) -> list[list[object]]:
        return [list(row) for row in self.double.get_values(self.spreadsheet_id, name)]

    def type_into(self, role: str, case_id: str, cells: Mapping[str, str]) -> None:
        """Type into a case's row of a role's tab, as a person would in the browser."""

        name = self.ctx.tabs.roles[role].name
        values = self.tab(name)
        headers = [cell_text(h) for h in values[0]]
        key = headers.index(CASE_ID)
        number = next(n for n, row in enumerate(values[1:], start=1) if key < len(row) and row[key] == case_id)
        for header, value in cells.items():
            self.double.staff_type(self.spreadsheet_id, name, cell_name(number, headers.index(header)), value)

    def submit(self, rows: Sequence[Mapping[str, object]]) -> None:
        """Form responses arrive below the last one, as Google Forms adds them (text stays text, even `=...`)."""

        with self.double.editing(self.spreadsheet_id) as book:  # one edit: the double copies the book per edit
            sheet = book.by_title(RESPONSES_TAB)
            locale = book.props.get("locale")
            for row in rows:
                number, _ = sheet.last_used()
                if number >= sheet.rows:
                    sheet.resize(number + 1, None)
                if len(FIELDS) > sheet.cols:
                    sheet.resize(None, len(FIELDS))
                for column, field in enumerate(FIELDS):
                    value = row.get(field)
                    if value is None or value == "":
                        continue
                    text = isinstance(value, str) and value.startswith("=")
                    set_value(sheet, number, column,
                              Parsed({"stringValue": value}) if text else python_value(value, locale))


def _template_text(kind: str) -> list[str]:
    document = Document(str(TEMPLATES / f"{kind}.docx"))
    lines = [p.text for p in document.paragraphs]
    lines += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return lines


def _office(ctx: Context, settings: Settings, cases: Cases = CASES) -> Office:
    double = GoogleDouble(locale="id_ID", time_zone="Asia/Jakarta", seed=1, clock=lambda: BUSY_AT)
    questions = settings.form.questions
    data: list[list[object]] = [[questions[f] for f in FIELDS]]
    data += [[None if row.get(f) == "" else row.get(f) for f in FIELDS]
             for row in demo.sample_rows(len(cases), seed=3, start=SETUP_START)]
    spreadsheet_id = google_spreadsheet(double, RESPONSES_TAB, data)
    shared = double.create_shared_drive("SAPA")
    folder = double.create_folder("Surat SAPA", shared, app_created=True)
    templates = {kind: double.create_document(f"Template {kind}", _template_text(kind), parents=[folder],
                                              drive_id=shared, app_created=True)
                 for kind in TEMPLATE_KINDS}
    drive, docs = double.service("drive", "v3"), double.service("docs", "v1")
    writer = GoogleLetterWriter(drive, docs, folder, templates, retry=RetryPolicy(sleep=lambda _: None))
    return Office(double, ctx, spreadsheet_id, drive, docs, folder, templates, writer)


def _write_requests(path: Path, sent: list[Any]) -> None:
    """Every request of the run as JSON lines, for anyone to check against Google's documents."""
    with path.open("w", encoding="utf-8") as out:
        for entry in sent:
            out.write(json.dumps({"method": entry.http_method, "url": entry.url, "method_id": entry.method_id,
                                  "body": entry.request}, ensure_ascii=False) + "\n")


def prepare(ctx: Context, responses: int, cases: Cases = CASES) -> Office:
    """The office just before the busy cycle: `cases` walked, new responses in, decisions typed.

    The self-test prepares the same office with a few of the `CASES`."""
    office = _office(ctx, Settings(), cases)
    run_cycle(office.store(), ctx, SETUP_AT, office.writer)
    intake = office.tab(ctx.tabs.intake.name)
    column = [cell_text(h) for h in intake[0]].index(CASE_ID)
    ids = sorted(str(r[column]) for r in intake[1:] if column < len(r) and str(r[column]).startswith("SAPA-"))
    if len(ids) < len(cases):
        raise RuntimeError(f"the benchmark's setup made {len(ids)} cases, not {len(cases)}")
    for round_ in range(max(len(steps) for steps, _ in cases)):
        for case_id, (steps, _) in zip(ids, cases, strict=False):
            if round_ < len(steps):
                office.type_into(*steps[round_][:1], case_id, steps[round_][1])
        run_cycle(office.store(), ctx, SETUP_AT + timedelta(hours=round_ + 1), office.writer)
    office.submit(demo.sample_rows(responses, seed=7, start=BUSY_START))
    for case_id, (_, (role, cells)) in zip(ids, cases, strict=False):
        office.type_into(role, case_id, cells)
    return office


def _naive(ctx: Context, responses: int) -> tuple[Office, WritePlan, Counter[str], int]:
    """The same busy cycle on a fresh double, planned from the same snapshot, written naively."""
    office = prepare(ctx, responses)
    worker_tabs = [layout.name for layout in ctx.tabs.all]
    snapshot = office.store().read(worker_tabs)  # what the busy cycle plans from (not counted)
    local_now = ctx.local_time(BUSY_AT)
    planned = plan_cycle(snapshot, ctx, local_now, letters=True)
    office.double.reset_counts()
    store = NaiveStore(office.double.gspread_client(), office.spreadsheet_id, RESPONSES_TAB)
    store.read(worker_tabs)
    writer = NaiveLetterWriter(office.drive, office.docs, office.folder, office.templates)
    links = {order.key: writer.draft(order) for order in planned.letters}
    final: CyclePlan = plan_cycle(snapshot, ctx, local_now, links)
    store.write(final.plan)
    return office, final.plan, Counter(office.double.counts), len(planned.letters)


def _comparable(plan: WritePlan) -> list[object]:
    """A plan with letter links masked (the documents' ids differ between the two runs)."""
    return [DOC_LINK.sub("<doc>", repr(op)) for op in plan.operations]


def contents(office: Office) -> dict[str, list[str]]:
    """Every tab's rows, as text with letter links masked, row order aside; without the worker's hidden
    change-detection block (Panduan X:Z), which the naive writer does not keep."""
    out: dict[str, list[str]] = {}
    for title in office.double.sheet_titles(office.spreadsheet_id):
        rows = [[None if v == "" else v for v in row] for row in office.tab(title)]
        if title == workspace.GUIDE_TAB:
            rows = [row[:google_changes.FIRST_COLUMN] for row in rows]
        while rows and not any(v is not None for v in rows[-1]):
            rows.pop()
        out[title] = sorted(DOC_LINK.sub("<doc>", repr(_trim(r))) for r in rows)
    return out


def _trim(row: list[object]) -> list[object]:
    while row and row[-1] is None:
        row = row[:-1]
    return row


# --- the common way ----------------------------------------------------------------------


class NaiveStore:
    """A store written as most scripts and add-ons are: one gspread call per row and per cell.

    `read` opens the spreadsheet, lists its tabs and reads each with `get_all_values()`;
    `write` applies each operation in turn: `add_worksheet` per new tab, `append_row` per
    new row, `update` of one cell per changed cell (RAW, so nothing becomes a formula).
    Rows are found by their key in what `read` returned. Not atomic: for comparison only.
    """

    def __init__(self, client: Any, spreadsheet_id: str, responses_tab: str = RESPONSES_TAB) -> None:
        self.client = client
        self.spreadsheet_id = spreadsheet_id
        self.responses_tab = responses_tab
        self._book: Any = None
        self._sheets: dict[str, Any] = {}  # title -> gspread Worksheet
        self._values: dict[str, list[list[object]]] = {}  # title -> rows as read, kept up to date

    def read(self, worker_tabs: Sequence[str]) -> Snapshot:
        self._book = self.client.open_by_key(self.spreadsheet_id)
        self._sheets = {ws.title: ws for ws in self._book.worksheets()}
        tables: dict[str, Table] = {}
        for title in (self.responses_tab, *worker_tabs):
            if title in self._sheets:
                values: list[list[object]] = [list(r) for r in self._sheets[title].get_all_values()]
                self._values[title] = values
                tables[title] = _table(title, values)
        return Snapshot((tables[self.responses_tab],), {t: tables[t] for t in worker_tabs if t in tables})

    def request_bytes(self, plan: WritePlan) -> None:
        """No limit: the naive worker sends each call on its own."""
        return None

    def write(self, plan: WritePlan) -> None:
        for op in plan.operations:
            if isinstance(op, EnsureTab):
                self._ensure(op)
            elif isinstance(op, AppendRow):
                self._append(op)
            elif isinstance(op, UpdateRow):
                values = self._values[op.tab]
                number = self._find(values, op.key_header, op.key, op.row_hint)
                for header, value in op.cells:
                    self._set(op.tab, number, header, value)
            elif isinstance(op, MarkResponse):
                self._set(op.tab, op.row_hint, op.marker_header, op.marker)

    def _headers(self, title: str) -> list[str]:
        values = self._values.setdefault(title, [[]])
        if not values:
            values.append([])
        return [cell_text(h) or "" for h in values[0]]

    def _column(self, title: str, header: str) -> int:
        """The header's 0-based column, adding it at the end of the header row (one call) if missing."""
        headers = self._headers(title)
        if header in headers:
            return headers.index(header)
        used = [i for i, h in enumerate(headers) if h]
        index = used[-1] + 1 if used else 0
        sheet = self._sheets[title]
        if index >= sheet.col_count:
            sheet.add_cols(index + 1 - sheet.col_count)
        self._cell(title, 1, index, header)
        return index

    def _ensure(self, op: EnsureTab) -> None:
        if op.tab not in self._sheets:
            sheet = self._book.add_worksheet(op.tab, rows=1000, cols=max(26, len(op.headers)))
            self._sheets[op.tab] = sheet
            self._values[op.tab] = [list(op.headers)]
            sheet.update(range_name="A1", values=[list(op.headers)], value_input_option="RAW")
            sheet.freeze(rows=1)
            sheet.format("1:1", {"textFormat": {"bold": True}})
            added = set(op.headers)
        else:
            present = set(self._headers(op.tab))
            added = {h for h in op.headers if h not in present}
            for header in op.headers:
                self._column(op.tab, header)
        for dropdown in op.dropdowns:
            if dropdown.header in added:
                self._validation(op.tab, self._column(op.tab, dropdown.header), dropdown.choices)

    def _validation(self, title: str, column: int, choices: Sequence[str]) -> None:
        sheet = self._sheets[title]
        self._book.batch_update({"requests": [{"setDataValidation": {
            "range": {"sheetId": sheet.id, "startRowIndex": 1, "endRowIndex": sheet.row_count,
                      "startColumnIndex": column, "endColumnIndex": column + 1},
            "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in choices]},
                     "strict": True, "showCustomUi": True}}}]})

    def _append(self, op: AppendRow) -> None:
        placed = {self._column(op.tab, h): _raw(v) for h, v in op.cells}
        row = [placed.get(i, "") for i in range(max(placed, default=-1) + 1)]
        # table_range="A1": without it, Sheets' table detection may put the row further right
        self._sheets[op.tab].append_row(row, value_input_option="RAW", table_range="A1")
        self._values[op.tab].append(list(row))

    def _find(self, values: list[list[object]], key_header: str, key: str, hint: int) -> int:
        headers = [cell_text(h) for h in values[0]] if values else []
        column = headers.index(key_header)

        def key_at(number: int) -> str | None:
            row = values[number - 1] if 1 < number <= len(values) else []
            return cell_text(row[column]) if column < len(row) else None

        if key_at(hint) == key:
            return hint
        return next(n for n in range(2, len(values) + 1) if key_at(n) == key)

    def _set(self, title: str, number: int, header: str, value: Value) -> None:
        self._cell(title, number, self._column(title, header), value)

    def _cell(self, title: str, number: int, column: int, value: Value) -> None:
        raw = _raw(value)
        self._sheets[title].update(range_name=rowcol_to_a1(number, column + 1), values=[[raw]],
                                   value_input_option="RAW")
        values = self._values[title]
        while len(values) < number:
            values.append([])
        row = values[number - 1]
        row.extend([""] * (column + 1 - len(row)))
        row[column] = raw


def _raw(value: Value) -> str | int | float:
    if isinstance(value, Link):
        return value.text
    if isinstance(value, date):
        return serial(value)
    return "" if value is None else value


def _table(title: str, values: list[list[object]]) -> Table:
    headers = tuple(cell_text(h) or "" for h in values[0]) if values else ()
    data = [(n, tuple(r)) for n, r in enumerate(values[1:], start=2) if any(v not in (None, "") for v in r)]
    return Table(title, headers, tuple(r for _, r in data), tuple(n for n, _ in data))


class NaiveLetterWriter:
    """Letters as most add-ons draft them: copy the template, then one batchUpdate per placeholder."""

    def __init__(self, drive: Any, docs: Any, folder_id: str, templates: Mapping[str, str]) -> None:
        self._drive = drive
        self._docs = docs
        self._folder = folder_id
        self._templates = dict(templates)

    def settled(self) -> None:
        """Nothing to do: the naive writer never looks for earlier documents."""

    def draft(self, order: Order) -> str:
        replaces = getattr(order, "replaces", None)  # a redraft trashes the draft it supersedes, as ours does
        made = self._drive.files().copy(
            fileId=self._templates[order.kind], body={"name": order.title, "parents": [self._folder]},
            fields="id", supportsAllDrives=True,
        ).execute()
        document_id = str(made["id"])
        for key, value in sorted(order.values.items()):
            self._docs.documents().batchUpdate(documentId=document_id, body={"requests": [{"replaceAllText": {
                "containsText": {"text": "{{" + key + "}}", "matchCase": True}, "replaceText": value}}]}).execute()
        if isinstance(replaces, str) and "/document/d/" in replaces:
            old = replaces.split("/document/d/", 1)[1].split("/", 1)[0]
            if old != document_id:
                self._drive.files().update(fileId=old, body={"trashed": True}, supportsAllDrives=True).execute()
        return f"https://docs.google.com/document/d/{document_id}/edit"
