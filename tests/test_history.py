"""The first connection of an office with history: responses before the go-live date
(`intake.history_before`) become historical cases — numbered, in the register, in no queue,
with no clock — and the Admin can bring any of them into the procedure. On both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from config.settings import Settings
from rules.workflow import STATE_LABELS
from sync.commands.selftest.office import Backend, response_row
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import STEP_DATE, I, L, R
from tests.conftest import NOW
from tests.test_cycle import current_status, markers, records
from tests.test_workflow_cycle import register, row

GO_LIVE = date(2026, 11, 27)
BEFORE = [datetime(2026, 11, 20, 9, 0), datetime(2026, 11, 20, 14, 0), datetime(2026, 11, 26, 23, 59)]
AFTER = [datetime(2026, 11, 27, 0, 1), datetime(2026, 11, 28, 8, 0)]


def with_history(settings: Settings, day: date | None = GO_LIVE) -> Context:
    return Context.from_settings(settings.model_copy(
        update={"intake": settings.intake.model_copy(update={"history_before": day})}))


def run(backend: Backend, ctx: Context, now: datetime = NOW):  # type: ignore[no-untyped-def]
    return run_cycle(backend.store(), ctx, now, backend.writer())


def create(backend: Backend, settings: Settings) -> None:
    rows = [response_row(timestamp=t, story=f"cerita {i}", reporter_phone=f"0812-3456-70{max(i, 1):02d}",
                         in_danger="Ya" if i == 0 else "Tidak") for i, t in enumerate(BEFORE + AFTER)]
    # the first two old responses share the reporter's phone: nobody is asked to compare old cases
    backend.create(rows, settings)


def test_responses_before_the_go_live_date_are_history_numbered_as_usual(backend, settings) -> None:
    ctx = with_history(settings)
    create(backend, settings)
    run(backend, ctx)
    assert markers(backend) == [f"SAPA-2026-{n:04d}" for n in range(1, 6)]  # gap-free, in time order
    cases = register(backend, settings)
    for case in ("SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"):
        assert cases[case][R.STATE] == STATE_LABELS["history"]
        assert cases[case][R.DUE] is None and cases[case][R.CLOCK] is None
    assert cases["SAPA-2026-0004"][R.STATE] == STATE_LABELS["intake"]
    assert [r[I.ID] for r in records(backend, settings.tabs.intake)] == ["SAPA-2026-0004", "SAPA-2026-0005"]
    log = records(backend, settings.tabs.log)
    created = [r[L.ID] for r in log if r[L.CODE] == "case_created"]
    assert created == ["SAPA-2026-0004", "SAPA-2026-0005"]
    assert [r[L.ID] for r in log if r[L.CODE] == "history_recorded"] == ["SAPA-2026-0001 s.d. SAPA-2026-0003"]
    old = {"SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"}
    assert not [r for r in log if r[L.CODE] == "duplicate_flagged" and r[L.ID] in old]
    assert all(cases[case][R.DUPLICATES] is None for case in old)
    report = current_status(backend, ctx)
    assert report["by_state"] == {"intake": 2, "history": 3}
    assert report["overdue"] == 1  # SAPA-2026-0004, received a day ago: history is never overdue
    assert report["darurat"] == 0  # the old DARURAT case is history
    assert not run(backend, ctx, NOW + timedelta(minutes=1)).plan
    days_later = run(backend, ctx, NOW + timedelta(days=3)).plan.operations  # active clocks move; history's never
    assert not {getattr(op, "key", None) for op in days_later} & {"SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"}


def test_the_admin_brings_a_historical_case_into_the_procedure_with_a_fresh_clock(backend, settings) -> None:
    ctx = with_history(settings)
    create(backend, settings)
    run(backend, ctx)
    intake = backend.tab(settings.tabs.intake)
    headers = intake[0]
    backend.set_cell(settings.tabs.intake, len(intake) + 1, headers.index(I.ID), "SAPA-2026-0001")
    backend.set_cell(settings.tabs.intake, len(intake) + 1, headers.index(I.DECISION), "Proses sebagai kasus baru")
    later = NOW + timedelta(days=3)
    run(backend, ctx, later)
    case = register(backend, settings)["SAPA-2026-0001"]
    brought_in = ctx.local_time(later).replace(tzinfo=None)
    assert case[R.STATE] == STATE_LABELS["intake"] and case[STEP_DATE["intake"]] == brought_in
    assert case[R.RISK] == "DARURAT" and case[R.DUE] == brought_in + timedelta(hours=1)  # from now, not Nov 20
    admin = row(backend, settings, "admin", "SAPA-2026-0001")
    assert admin[I.RISK] == "DARURAT" and admin[I.CLOCK] == "Tepat waktu" and admin[I.TURN] == "Ya"
    assert any(r[L.ID] == "SAPA-2026-0001" and r[L.CODE] == "transition" for r in records(backend, settings.tabs.log))
    assert not run(backend, ctx, later + timedelta(minutes=1)).plan


def test_changing_the_date_later_renumbers_nothing_and_moves_no_case(backend, settings) -> None:
    create(backend, settings)
    run(backend, with_history(settings, None))
    before = register(backend, settings)
    assert {c[R.STATE] for c in before.values()} == {STATE_LABELS["intake"]}
    assert not run(backend, with_history(settings, date(2026, 11, 28)), NOW + timedelta(minutes=1)).plan
    assert register(backend, settings) == before


def test_a_response_whose_time_cannot_be_read_is_never_history(backend, settings) -> None:
    ctx = with_history(settings)
    backend.create([response_row(timestamp="kemarin sore", story="cerita")], settings)
    run(backend, ctx)
    assert register(backend, settings)["SAPA-2026-0001"][R.STATE] == STATE_LABELS["intake"]
