"""A lost case register is never rebuilt from the responses (issue 23, point 3): the worker writes nothing,
raises the alarm at once (one log row, `status`, ALARM, exit code) and works again once it is restored."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from config.settings import Settings
from rules.errors import RegisterLost
from sync.commands import demo
from sync.commands.demo_walk import FORWARD
from sync.commands.health import ALARM, RECOVERED, Watch, load
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend, response_row
from sync.cycle.context import Context
from sync.cycle.register_guard import lost_cases
from sync.cycle.run import run_cycle
from sync.cycle.tabs import CASE_ID, I, L, R
from sync.stores.store import Snapshot, Table
from tests.conftest import NOW
from tests.test_cycle import current_status, records
from tests.test_form_life import submit

CASES = ["SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"]
RESPONSES = "Respons Formulir 1"


def office_with_a_case_moved_on(backend: Backend, settings: Settings, ctx: Context) -> None:
    """Three cases; the Admin forwarded the first to the Sub Koordinator."""
    backend.create([response_row(story=f"cerita {i}") for i in range(3)], settings)
    run_cycle(backend.store(), ctx, NOW)
    for header, value in FORWARD[1].items():
        backend.type_into(settings.tabs.intake, I.ID, CASES[0], header, value)
    run_cycle(backend.store(), ctx, NOW + timedelta(hours=1))
    assert state(backend, settings, CASES[0]) == "identification"


def state(backend: Backend, settings: Settings, case_id: str) -> object:
    return next(r[R.STATE_KEY] for r in records(backend, settings.tabs.case_register) if r[R.ID] == case_id)


def everything(backend: Backend) -> dict[str, list[list[object]]]:
    return {t: backend.tab(t) for t in backend.tabs()}


def lose_register(backend: Backend, tab: str, how: str) -> None:
    """The register tab deleted, or its rows deleted (a select-all and delete by the owner on Google)."""
    if isinstance(backend, LocalBackend):
        book = load_workbook(backend.path)
        if how == "deleted":
            del book[tab]
        else:
            book[tab].delete_rows(2, book[tab].max_row)
        book.save(backend.path)
        return
    assert isinstance(backend, GoogleBackend)
    if how == "deleted":
        backend.double.staff_delete_sheet(backend.spreadsheet_id, tab)
    else:
        backend.double.staff_delete_rows(backend.spreadsheet_id, tab, 2, len(backend.tab(tab)) - 1)


def restore_point(backend: Backend) -> Callable[[], None]:
    """The workbook's backup copy, or the spreadsheet's version history: `restore()` brings this version back."""
    if isinstance(backend, LocalBackend):
        path, saved = backend.path, backend.path.read_bytes()

        def copy_back() -> None:
            path.write_bytes(saved)

        return copy_back
    assert isinstance(backend, GoogleBackend)
    sid = backend.spreadsheet_id
    kept = pickle.dumps(backend.double.spreadsheets[sid])

    def restore() -> None:
        backend.double.spreadsheets[sid] = pickle.loads(kept)

    return restore


@pytest.mark.parametrize("how", ["deleted", "cleared"])
def test_a_lost_register_stops_the_worker_until_it_is_restored(
    backend: Backend, settings: Settings, ctx: Context, how: str
) -> None:
    office_with_a_case_moved_on(backend, settings, ctx)
    submit(backend, RESPONSES, story="cerita baru")  # a new complaint: there is something to write
    restore = restore_point(backend)
    lose_register(backend, settings.tabs.case_register, how)
    before = everything(backend)
    saved = backend.path.read_bytes() if isinstance(backend, LocalBackend) else None

    with pytest.raises(RegisterLost) as raised:
        run_cycle(backend.store(), ctx, NOW + timedelta(hours=2))
    message = str(raised.value)
    assert f"'{settings.tabs.case_register}' lacks 3 known cases ({', '.join(CASES)})" in message
    assert "nothing was written" in message and "Version history" in message
    assert "Pulihkan tab 'Daftar Kasus' dari cadangan buku kerja" in raised.value.staff
    assert everything(backend) == before  # the Admin's queue, the log: nothing rebuilt, nothing logged
    if saved is not None:
        assert backend.path.read_bytes() == saved

    report = current_status(backend, ctx)
    assert report["lost_from_register"] == 3 and report["unprocessed"] == 1  # the new complaint only
    assert report["messages"][0].startswith("Tab 'Daftar Kasus' kehilangan 3 kasus yang sudah tercatat")

    restore()
    run_cycle(backend.store(), ctx, NOW + timedelta(hours=3))
    assert state(backend, settings, CASES[0]) == "identification"  # not back in the Admin's queue
    assert state(backend, settings, "SAPA-2026-0004") == "intake"
    assert current_status(backend, ctx)["lost_from_register"] == 0


def test_one_deleted_register_row_is_not_rebuilt_either(backend: Backend, settings: Settings, ctx: Context) -> None:
    """Rebuilt from its response, the case would go back to the Admin and the Admin's old decision would be
    applied again with new dates: the row is restored by a person instead (undo, the backup, version history)."""
    office_with_a_case_moved_on(backend, settings, ctx)
    backend.delete_row(settings.tabs.case_register, R.ID, CASES[0])
    with pytest.raises(RegisterLost, match=f"lacks 1 known cases \\({CASES[0]}\\)"):
        run_cycle(backend.store(), ctx, NOW + timedelta(hours=2))


def test_the_alarm_is_one_log_row_at_once_and_a_recovery_row_after_the_restore(
    backend: Backend, settings: Settings, ctx: Context, tmp_path: Path
) -> None:
    office_with_a_case_moved_on(backend, settings, ctx)
    restore = restore_point(backend)
    lose_register(backend, settings.tabs.case_register, "deleted")
    watch = Watch(tmp_path / "state.json", 3, ctx, lambda: NOW)

    def cycle() -> None:
        store = backend.store()
        watch.cycle(lambda: run_cycle(store, ctx, NOW, backend.writer()), lambda: store)

    for _ in range(3):
        with pytest.raises(RegisterLost):
            cycle()
        assert watch.alarm and watch.alarm.startswith("ALARM: the case register lacks cases")
    rows = [r for r in records(backend, settings.tabs.log) if r[L.CODE] in (ALARM, RECOVERED)]
    assert [(r[L.CODE], r[L.ACTION]) for r in rows] == [(ALARM, "PERINGATAN: sistem berhenti menulis sejak "
                                                                 "28 Nov 2026 10.00 WIB")]
    assert "Pulihkan tab 'Daftar Kasus'" in str(rows[0][L.DETAIL]) and CASES[0] in str(rows[0][L.DETAIL])
    assert settings.tabs.case_register not in backend.tabs()  # the alarm row is the only write

    restore()
    cycle()
    rows = [r for r in records(backend, settings.tabs.log) if r[L.CODE] in (ALARM, RECOVERED)]
    assert [r[L.CODE] for r in rows] == [ALARM, RECOVERED]
    assert load(watch.path).failed_cycles == 0


def test_once_exits_2_with_the_alarm_and_status_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sync.commands.cli import main

    workbook = tmp_path / "sapa.xlsx"
    demo.write_responses(workbook, demo.sample_rows(6), Settings())
    once = ["--workbook", str(workbook), "once"]
    assert main(once) == 0
    book = load_workbook(workbook)
    del book[Settings().tabs.case_register]
    book.save(workbook)
    capsys.readouterr()

    assert main(once) == 2
    err = capsys.readouterr().err
    assert "ALARM: the case register lacks cases" in err and "error: the case register tab 'Daftar Kasus'" in err
    assert main(["--workbook", str(workbook), "status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["failed_cycles"] == 1 and report["lost_from_register"] > 0
    assert any(m.startswith("PERINGATAN: sistem berhenti menulis sejak") for m in report["messages"])
    assert any("kehilangan" in m and "cadangan buku kerja" in m for m in report["messages"])
    assert main(["--workbook", str(workbook), "status"]) == 0
    assert "Perhatian: Tab 'Daftar Kasus' kehilangan" in capsys.readouterr().out
    assert main(["--workbook", str(workbook), "report", "--month", "2026-11"]) == 2
    assert main(["--workbook", str(workbook), "doctor"]) == 2
    assert "[GALAT / ERROR] register\n    ID: Tab 'Daftar Kasus' kehilangan" in capsys.readouterr().out


# --- what is no loss -----------------------------------------------------------------------------


def snapshot(ctx: Context, register: list[str] | None, markers: list[str | None],
             role_rows: list[str] = (), logged: list[str] = ()) -> Snapshot:  # type: ignore[assignment]
    """A spreadsheet with a register of `register` (None: no register tab), responses bearing `markers`,
    the Admin's tab listing `role_rows`, and a log naming `logged`."""
    def table(name: str, header: str, ids: list[str | None]) -> Table:
        return Table(name, (header,), tuple((i,) for i in ids), tuple(range(2, 2 + len(ids))))

    tabs = {ctx.tabs.intake.name: table(ctx.tabs.intake.name, CASE_ID, list(role_rows)),
            ctx.tabs.log.name: table(ctx.tabs.log.name, L.ID, list(logged))}
    if register is not None:
        tabs[ctx.tabs.register.name] = table(ctx.tabs.register.name, R.ID, list(register))
    return Snapshot((table("Respons Formulir 1", ctx.marker_header, markers),), tabs)


def test_no_loss_for_a_new_office_a_review_row_or_cases_removed_after_retention(ctx: Context) -> None:
    assert lost_cases(snapshot(ctx, None, [None, None]), ctx) == []  # a new office: nothing known yet
    assert lost_cases(snapshot(ctx, [], []), ctx) == []
    assert lost_cases(snapshot(ctx, [], ["TINJAU-2026-0001"]), ctx) == []  # the review tab is another tab
    # a year's cases removed after their retention period: rows gone, the log kept
    assert lost_cases(snapshot(ctx, ["SAPA-2027-0001"], ["SAPA-2027-0001"],
                               logged=["SAPA-2026-0001", "SAPA-2027-0001"]), ctx) == []
    # an ID mistyped in a role tab is no case the worker made
    assert lost_cases(snapshot(ctx, ["SAPA-2026-0001"], ["SAPA-2026-0001"], role_rows=["SAPA-2026-0091"],
                               logged=["SAPA-2026-0001"]), ctx) == []


def test_a_loss_is_seen_by_the_markers_or_by_role_rows_of_cases_the_log_names(ctx: Context) -> None:
    assert lost_cases(snapshot(ctx, None, ["SAPA-2026-0002", "SAPA-2026-0001", "TINJAU-2026-0001"]), ctx) \
        == ["SAPA-2026-0001", "SAPA-2026-0002"]
    assert lost_cases(snapshot(ctx, ["SAPA-2026-0001"], ["SAPA-2026-0001", "SAPA-2026-0002"]), ctx) \
        == ["SAPA-2026-0002"]
    # the register and the markers both lost (a responses tab replaced): the role tabs still know the cases
    assert lost_cases(snapshot(ctx, [], [None], role_rows=["SAPA-2026-0001"], logged=["SAPA-2026-0001"]), ctx) \
        == ["SAPA-2026-0001"]


def test_the_operator_may_rebuild_lost_cases_that_no_backup_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sync.commands.cli import main

    workbook = tmp_path / "sapa.xlsx"
    demo.write_responses(workbook, demo.sample_rows(4), Settings())
    once = ["--workbook", str(workbook), "once"]
    assert main(once) == 0
    backend = LocalBackend(tmp_path)  # its workbook is tmp_path / "sapa.xlsx"
    lose_register(backend, Settings().tabs.case_register, "cleared")
    assert main(once) == 2
    assert main([*once, "--rebuild-lost-cases"]) == 0
    restored = [r[L.ID] for r in records(backend, Settings().tabs.log) if r[L.CODE] == "register_restored"]
    assert restored and len(restored) == len(records(backend, Settings().tabs.case_register))
    capsys.readouterr()
    assert main(once) == 0
    assert "ALARM" not in capsys.readouterr().err
