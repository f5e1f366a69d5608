"""Bounded writes and reads (issues 16, 22): no request over `worker.max_request_bytes`, a large plan
written in parts over cycles run back to back, each part consistent alone and filling the budget, a
kill between parts harmless; Google's 10 MB refusal recognised and answered with a smaller write. The
budget is Google's: the local workbook, which sends no request, writes a large plan in one cycle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from config.settings import Settings
from googledouble import SimulatedCrash
from rules.errors import TransientError
from sync.commands import demo
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend
from sync.cycle.batches import FULL
from sync.cycle.context import Context
from sync.cycle.run import CycleResult, run_cycle, run_cycles
from sync.cycle.tabs import CASE_ID, REVIEW_ID
from sync.stores.google_store import GoogleStore
from sync.stores.refusals import PayloadTooLarge
from tests.conftest import NOW

# A budget that cuts the first cycle over 40 responses in parts (the Google write that creates the
# tabs, with their look, is about 170 KB alone).
BUDGET = 250_000  # over the first write's fixed part (every tab created, with its look)
BATCH = "sheets.spreadsheets.batchUpdate"


def bounded(budget: int = BUDGET) -> Context:
    return Context.from_settings(Settings.model_validate({"worker": {"max_request_bytes": budget}}))


def cycles(backend: Backend, ctx: Context) -> list[CycleResult]:
    done: list[CycleResult] = []

    def one() -> CycleResult:
        done.append(run_cycle(backend.store(), ctx, NOW, backend.writer()))
        return done[-1]

    run_cycles(one)
    return done


def contents(backend: Backend) -> dict[str, list[str]]:
    """Every tab's rows as text, row order aside (a part's rows land where the part put them)."""
    return {t: sorted(repr([v for v in row if v not in (None, "")]) for row in backend.tab(t)[1:])
            for t in backend.tabs()}


def ids_in(backend: Backend, tab: str, header: str) -> list[str]:
    rows = backend.tab(tab)
    column = rows[0].index(header)
    return sorted(str(r[column]) for r in rows[1:] if column < len(r) and r[column])


def test_a_large_plan_is_written_in_parts_each_within_the_budget(settings, tmp_path: Path) -> None:
    backend = GoogleBackend(tmp_path)
    backend.create(demo.sample_rows(40), settings)
    ctx = bounded()
    done = cycles(backend, ctx)
    assert len(done) >= 2 and [c.more for c in done] == [True] * (len(done) - 1) + [False]
    sizes = [e.request_bytes for e in backend.double.log if e.method_id == BATCH]
    assert len(sizes) == len(done) and max(sizes) <= BUDGET
    cases = ids_in(backend, ctx.tabs.register.name, CASE_ID)
    assert cases == [f"SAPA-2026-{n:04d}" for n in range(1, 38)]  # gap-free, as in one cycle
    assert len(ids_in(backend, ctx.tabs.review.name, REVIEW_ID)) == 3
    created = [e.subject for c in done for e in c.events if e.code == "case_created"]
    assert sorted(created) == cases  # each case reported once, by the cycle that wrote it
    assert not run_cycle(backend.store(), ctx, NOW, backend.writer()).plan  # settled: an idle cycle writes nothing

    (tmp_path / "whole").mkdir()
    whole = GoogleBackend(tmp_path / "whole")  # the same responses in one cycle, without a budget
    whole.create(demo.sample_rows(40), settings)
    run_cycle(whole.store(), Context.from_settings(settings), NOW, whole.writer())
    assert contents(backend) == contents(whole)


def test_each_part_but_the_last_fills_the_budget(settings, tmp_path: Path) -> None:
    """A part is cut from the request it makes, not from the plan's text (which overestimates it ~10
    times): each part but the last holds as many cases as fit, to within `FULL` of the budget."""
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(80), settings)
    budget = 300_000  # the first part creates the tabs (~240 KB) and holds a few cases
    done = cycles(google, bounded(budget))
    sizes = [e.request_bytes for e in google.double.log if e.method_id == BATCH]
    assert len(done) >= 3 and len(sizes) == len(done)
    assert all(budget * FULL <= size <= budget for size in sizes[:-1]), sizes
    assert sizes[-1] <= budget


def test_the_local_workbook_writes_a_large_plan_in_one_cycle_whatever_the_budget(settings, tmp_path: Path) -> None:
    """Its write is a load and a save of the whole file, whatever its size: parts would only repeat it."""
    local = LocalBackend(tmp_path)
    local.create(demo.sample_rows(40), settings)
    ctx = bounded(10_000)  # the smallest budget allowed: under the local plan's ~200 KB of text
    done = cycles(local, ctx)
    assert len(done) == 1 and not done[0].more
    assert ids_in(local, ctx.tabs.register.name, CASE_ID) == [f"SAPA-2026-{n:04d}" for n in range(1, 38)]
    assert not run_cycle(local.store(), ctx, NOW, local.writer()).plan


def test_a_kill_between_parts_ends_as_a_run_without_it(settings, tmp_path: Path) -> None:
    backend = GoogleBackend(tmp_path)
    backend.create(demo.sample_rows(40), settings)
    ctx = bounded()
    assert run_cycle(backend.store(), ctx, NOW, backend.writer()).more  # a part written, then a kill
    store = backend.store()
    backend.double.crash_after(1)  # the write, once the cycle has read
    with pytest.raises(SimulatedCrash):
        run_cycle(_after_read(store, backend), ctx, NOW, backend.writer())
    backend.double.clear_faults()
    cycles(backend, ctx)  # further cycles
    assert not run_cycle(backend.store(), ctx, NOW, backend.writer()).plan

    (tmp_path / "reference").mkdir()
    reference = GoogleBackend(tmp_path / "reference")  # the same parts, no kill
    reference.create(demo.sample_rows(40), settings)
    cycles(reference, ctx)
    assert contents(backend) == contents(reference)


def _after_read(store: GoogleStore, backend: GoogleBackend) -> GoogleStore:
    """The store, its read done before the crash is armed (a crash at the write, not the read)."""
    real_read = store.read

    def read(worker_tabs: Any) -> Any:
        backend.double.clear_faults()
        snapshot = real_read(worker_tabs)
        backend.double.crash_after(1)
        return snapshot

    store.read = read  # type: ignore[method-assign]
    return store


# --- Google's limit -------------------------------------------------------------------------


def test_the_double_refuses_a_body_over_ten_megabytes_as_google_does(tmp_path: Path, settings) -> None:
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(1), settings)
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{google.spreadsheet_id}:batchUpdate"
    note = {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                            "rows": [{"values": [{"note": "x" * 40_000}]}], "fields": "note"}}
    body = json.dumps({"requests": [note] * 263}).encode()
    assert len(body) > 10_485_760
    status, _, answer = google.double.handle("POST", url, {"Content-Type": "application/json"}, body)
    assert status == 400
    assert json.loads(answer) == {"error": {
        "code": 400, "message": "Request payload size exceeds the limit: 10485760 bytes.",
        "errors": [{"message": "Request payload size exceeds the limit: 10485760 bytes.", "domain": "global",
                    "reason": "badRequest"}],
        "status": "INVALID_ARGUMENT"}}
    assert google.double.get_values(google.spreadsheet_id, "Respons Formulir 1")[0][0] != "x"  # nothing applied


def test_a_too_large_refusal_is_its_own_error_never_rows_moved(tmp_path: Path, settings, ctx) -> None:
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(5), settings)
    google.double.max_request_bytes = 1_000
    store = google.store()
    snapshot = store.read([t.name for t in ctx.tabs.all])
    from sync.cycle.plan import plan_cycle

    plan = plan_cycle(snapshot, ctx, ctx.local_time(NOW), letters=False).plan
    with pytest.raises(PayloadTooLarge, match="too large") as refused:
        store.write(plan)
    assert "moved" not in str(refused.value)


def test_a_write_google_refuses_as_too_large_is_sent_smaller_and_completes(tmp_path: Path, settings, ctx) -> None:
    fresh = GoogleBackend(tmp_path)
    fresh.create(demo.sample_rows(40), settings)
    fresh.double.max_request_bytes = 260_000  # Google's limit: under the budget (2 MB), over the fixed part
    cycles(fresh, ctx)
    refused = [e for e in fresh.double.log if e.method_id == BATCH and e.status == 400]
    assert refused and all(e.request_bytes > 260_000 for e in refused)
    assert ids_in(fresh, ctx.tabs.register.name, CASE_ID) == [f"SAPA-2026-{n:04d}" for n in range(1, 38)]
    assert not run_cycle(fresh.store(), ctx, NOW, fresh.writer()).plan


# --- reading in parts -----------------------------------------------------------------------


def test_a_large_spreadsheet_is_read_in_parts_each_within_the_budget(tmp_path: Path, settings, ctx) -> None:
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(40), settings)
    run_cycle(google.store(), ctx, NOW, google.writer())
    whole = google.store().read([t.name for t in ctx.tabs.all])
    google.max_request_bytes = 150_000
    google.double.reset_counts()
    store = google.store()
    parts = store.read([t.name for t in ctx.tabs.all])
    gets = [e for e in google.double.log if e.method_id == "sheets.spreadsheets.get"]
    assert len(gets) >= 5  # the sizes, the parts, the check
    assert max(e.response_bytes for e in gets) <= 150_000
    assert parts == whole
    again = store.read([t.name for t in ctx.tabs.all])  # a second read learned what each tab takes
    assert again == whole


def test_a_read_in_parts_torn_by_a_sort_fails_and_the_next_reads_again(tmp_path: Path, settings, ctx) -> None:
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(40), settings)
    run_cycle(google.store(), ctx, NOW, google.writer())
    google.max_request_bytes = 150_000
    sorted_once: list[bool] = []

    def sort_after_a_part(double: Any, method_id: str, request: Any) -> None:
        register = f"'{ctx.tabs.register.name}'!"
        later = [r for r in request.args("ranges") if r.startswith(register) and not r.startswith(register + "A1:")]
        if later and not sorted_once:  # the register's first rows are read: sort it before the rest
            sorted_once.append(True)
            double.staff_sort(google.spreadsheet_id, ctx.tabs.register.name, 0, descending=True)

    google.double.on_request(sort_after_a_part)
    with pytest.raises(TransientError, match="read the spreadsheet in parts"):
        google.store().read([t.name for t in ctx.tabs.all])
    google.double.clear_hooks()
    assert google.store().read([t.name for t in ctx.tabs.all]).tabs[ctx.tabs.register.name].rows


def test_a_request_too_large_is_not_retried(tmp_path: Path, settings) -> None:
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(1), settings)
    google.double.max_request_bytes = 10
    session = google.double.requests_session(requests.Session())
    answer = session.post(f"https://sheets.googleapis.com/v4/spreadsheets/{google.spreadsheet_id}:batchUpdate",
                          json={"requests": []})
    assert answer.status_code == 400 and "exceeds the limit: 10 bytes" in answer.text
