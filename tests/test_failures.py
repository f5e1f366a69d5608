"""Failed cycles: a refused Google write told apart from moved rows, and the alarm after a few in a row."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from config.settings import Settings
from rules.errors import SapaError, TransientError
from sync.commands import demo
from sync.commands.demo_walk import FORWARD
from sync.commands.health import ALARM, RECOVERED, Health, Watch, load
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend, after_first, response_row
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import I, L
from sync.stores.refusals import RequestRefused
from tests.conftest import NOW

BATCH = "sheets.spreadsheets.batchUpdate"
RESPONSES = "Respons Formulir 1"
OWNER = "admin.sapa@singkawangkota.go.id"  # a person owns the office's spreadsheet; the worker edits it
STORY = "Ani dipukul ayah tirinya di Jl. Merdeka 12"
REPORTER = "Budi Santoso"


@pytest.fixture
def google(tmp_path: Path) -> GoogleBackend:
    return GoogleBackend(tmp_path)


def run(backend: Backend, ctx: Context, hours: int = 0) -> Any:
    return run_cycle(backend.store(), ctx, NOW + timedelta(hours=hours), backend.writer())


def personal(text: str) -> list[str]:
    return [s for s in (STORY, "Ani dipukul", REPORTER, "Merdeka") if s in text]


# --- a refused write: rows moved, or a genuine refusal -------------------------------------------


def test_a_sort_between_read_and_write_is_still_rows_moved_and_retried(google: GoogleBackend, ctx: Context) -> None:
    google.create(demo.sample_rows(12), Settings())
    run(google, ctx)
    sid, intake = google.spreadsheet_id, ctx.tabs.intake.name
    google.double.form_submit(sid, [None, None, "Pelapor Baru"], title=RESPONSES)
    for header, value in FORWARD[1].items():  # the write updates a row of the tab staff sort
        google.type_into(intake, I.ID, "SAPA-2026-0001", header, value)
    google.double.on_request(after_first(BATCH, lambda d: d.staff_sort(sid, intake, 0, descending=True)))
    with pytest.raises(TransientError, match="rows moved"):
        run(google, ctx, 1)
    google.double.clear_hooks()
    run(google, ctx, 1)  # the next cycle goes through


def test_a_protection_that_leaves_the_worker_out_is_refused_naming_the_tab(
    google: GoogleBackend, ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    google.create([response_row(story=STORY, reporter_name=REPORTER)], Settings())
    sid = google.spreadsheet_id
    google.double.set_owner(sid, OWNER)
    google.double.staff_protect(sid, RESPONSES, editors=[OWNER])  # the worker's account left out
    with pytest.raises(RequestRefused) as raised:
        run(google, ctx)
    message = str(raised.value)
    assert "protected cell" in message and f"tab '{RESPONSES}'" in message
    assert "Protected sheets and ranges" in message and "rows moved" not in message
    assert not personal(message) and not personal(caplog.text)
    assert google.double.counts[BATCH] == 1  # not retried: retrying does not help
    answer = next(e for e in google.double.log if e.method_id == BATCH)
    assert answer.status == 400 and "Invalid requests" not in json.dumps(answer.response)  # Google names none


def test_a_cell_over_googles_limit_is_refused_naming_the_request_and_tab(
    google: GoogleBackend, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from googledouble import values as double_values

    long_story = (STORY + ". ") * 200  # 8,800 characters: the worker's tabs keep up to 30,000
    google.create([response_row(story=long_story, reporter_name=REPORTER)], Settings())
    monkeypatch.setattr(double_values, "MAX_CELL_CHARS", 5000)  # Google's 50,000, scaled down
    with pytest.raises(RequestRefused) as raised:
        run(google, ctx)
    message = str(raised.value)
    assert "updateCells on tab '" in message and "characters in a single cell" in message
    tab = message.split("updateCells on tab '")[1].split("'")[0]
    assert tab in {layout.name for layout in ctx.tabs.all}
    assert "report this message" in message and not personal(message)


@pytest.mark.parametrize(("refusal", "expected"), [
    ("Invalid requests[0].deleteDeveloperMetadata: No developer metadata matches.", TransientError),
    ("Developer metadata with ID 42 already exists.", TransientError),  # a guard, not named
    ("Invalid requests[{last}].{kind}: No grid with id: 7", RequestRefused),
    ("Invalid JSON payload received. Unknown name \"x\" at 'requests[{last}]': Cannot find field.", RequestRefused),
])
def test_a_refusal_is_rows_moved_only_when_a_guard_or_the_write_token_failed(
    google: GoogleBackend, ctx: Context, refusal: str, expected: type[SapaError]
) -> None:
    from googledouble import sheets_batch
    from googledouble.errors import invalid_argument

    google.create([response_row(story=STORY)], Settings())

    def refuse(ctx_: Any, requests: list[dict[str, Any]]) -> Any:
        kind = next(iter(requests[-1]))
        raise invalid_argument(refusal.format(last=len(requests) - 1, kind=kind))

    with mock.patch.object(sheets_batch, "apply_requests", refuse), pytest.raises(SapaError) as raised:
        run(google, ctx)
    assert type(raised.value) is expected
    if expected is RequestRefused:
        assert "request " in str(raised.value) and "report this message" in str(raised.value)


# --- the alarm after failed cycles in a row ------------------------------------------------------


def _break_local(backend: LocalBackend) -> Callable[[], None]:
    lock = backend.path.with_name(f".~lock.{backend.path.name}#")  # the workbook is open in LibreOffice
    lock.write_text("staf,pc-admin,01.12.2026 09:00,")
    return lock.unlink


def _break_google(backend: GoogleBackend) -> Callable[[], None]:
    backend.double.set_owner(backend.spreadsheet_id, OWNER)
    protection = backend.double.staff_protect(backend.spreadsheet_id, RESPONSES, editors=[OWNER])
    return lambda: backend.double.staff_unprotect(backend.spreadsheet_id, protection)


def health_rows(backend: Backend, ctx: Context) -> list[tuple[object, object]]:
    if ctx.tabs.log.name not in backend.tabs():
        return []
    rows = backend.tab(ctx.tabs.log.name)
    code, action = rows[0].index(L.CODE), rows[0].index(L.ACTION)
    return [(r[code], r[action]) for r in rows[1:] if len(r) > code and r[code] in (ALARM, RECOVERED)]


def test_the_alarm_goes_up_once_after_three_failed_cycles_and_down_once_after_a_success(
    backend: Backend, ctx: Context, tmp_path: Path
) -> None:
    backend.create([response_row(story=STORY, reporter_name=REPORTER)], Settings())
    repair = _break_local(backend) if isinstance(backend, LocalBackend) else _break_google(backend)  # type: ignore[arg-type]
    watch = Watch(tmp_path / "state.json", 3, ctx, lambda: NOW)

    def cycle() -> None:
        store = backend.store()
        watch.cycle(lambda: run_cycle(store, ctx, NOW, backend.writer()), lambda: store)

    alarms = []
    for _ in range(5):
        with pytest.raises(SapaError):
            cycle()
        alarms.append(watch.alarm)
    assert alarms[:2] == [None, None] and all(a and a.startswith("ALARM: ") for a in alarms[2:])
    assert load(watch.path).failed_cycles == 5
    # on Google the alarm row is written at once, alone; a locked workbook takes it at the first success
    written_at_once = [(ALARM, "PERINGATAN: sinkronisasi gagal 3 kali berturut-turut sejak 28 Nov 2026 10.00 WIB")]
    assert health_rows(backend, ctx) == (written_at_once if backend.name == "google" else [])

    repair()
    cycle()
    cycle()
    assert [code for code, _ in health_rows(backend, ctx)] == [ALARM, RECOVERED]
    assert health_rows(backend, ctx)[1][1] == "Sistem kembali normal setelah 5 siklus gagal"
    assert load(watch.path).failed_cycles == 0 and watch.alarm is None
    assert not personal(watch.path.read_text() + repr(backend.tab(ctx.tabs.log.name)[0:1]))


def test_a_single_failure_raises_no_alarm_and_a_success_clears_it(tmp_path: Path, ctx: Context) -> None:
    backend = LocalBackend(tmp_path)
    backend.create([response_row()], Settings())
    repair = _break_local(backend)
    watch = Watch(tmp_path / "state.json", 3, ctx, lambda: NOW)
    store = backend.store()
    with pytest.raises(TransientError):
        watch.cycle(lambda: run_cycle(store, ctx, NOW), lambda: store)
    assert watch.alarm is None and load(watch.path).failed_cycles == 1
    repair()
    watch.cycle(lambda: run_cycle(store, ctx, NOW), lambda: store)
    assert load(watch.path).failed_cycles == 0
    assert health_rows(backend, ctx) == []


def test_an_unexpected_error_is_counted_without_its_message(tmp_path: Path, ctx: Context) -> None:
    watch = Watch(tmp_path / "state.json", 1, ctx, lambda: NOW)

    def job() -> None:
        raise ValueError(f"cannot parse {STORY!r}")  # a bug whose message quotes a reporter

    with pytest.raises(ValueError):
        watch.cycle(job, lambda: None)
    record = (tmp_path / "state.json").read_text()
    assert json.loads(record)["failed_cycles"] == 1 and "unexpected ValueError at test_failures.py" in record
    assert not personal(record) and watch.alarm and not personal(watch.alarm)


def test_a_broken_record_starts_a_new_count(tmp_path: Path, ctx: Context) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    watch = Watch(path, 3, ctx, lambda: NOW)
    with pytest.raises(TransientError):
        watch.cycle(lambda: (_ for _ in ()).throw(TransientError("busy")), lambda: None)
    assert load(path).failed_cycles == 1


# --- the command line: once, status, run ----------------------------------------------------------


def test_three_failed_once_runs_exit_1_with_an_alarm_that_status_and_the_log_tab_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "sapa.xlsx"
    demo.write_responses(workbook, demo.sample_rows(6), Settings())
    lock = tmp_path / ".~lock.sapa.xlsx#"
    lock.write_text("x")
    once = ["--workbook", str(workbook), "once"]
    from sync.commands.cli import main

    codes, errors = [], []
    for _ in range(3):
        codes.append(main(once))
        errors.append(capsys.readouterr().err)
    assert codes == [1, 1, 1]
    assert ["ALARM" in e for e in errors] == [False, False, True]
    assert "3 cycles in a row have failed" in errors[2] and "Close the workbook" in errors[2]

    assert main(["--workbook", str(workbook), "status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["failed_cycles"] == 3
    assert [m for m in report["messages"] if m.startswith("PERINGATAN: sinkronisasi gagal 3 kali")]
    assert main(["--workbook", str(workbook), "status"]) == 0
    assert capsys.readouterr().out.count("PERINGATAN: sinkronisasi gagal") == 1

    lock.unlink()
    assert main(once) == 0 and main(once) == 0
    assert "ALARM" not in capsys.readouterr().err
    assert main(["--workbook", str(workbook), "status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["failed_cycles"] == 0 and not [m for m in report.get("messages", []) if "PERINGATAN: sink" in m]
    backend = LocalBackend(tmp_path)
    assert [c for c, _ in health_rows(backend, Context.from_settings(Settings()))] == [ALARM, RECOVERED]


def test_the_threshold_is_configurable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "sapa.xlsx"
    demo.write_responses(workbook, demo.sample_rows(3), Settings())
    (tmp_path / ".~lock.sapa.xlsx#").write_text("x")
    config = tmp_path / "office.yaml"
    config.write_text(f"worker:\n  alarm_after_failed_cycles: 1\n  state_file: {tmp_path / 'health.json'}\n")
    from sync.commands.cli import main

    assert main(["--config", str(config), "--workbook", str(workbook), "once"]) == 1
    assert "ALARM: 1 cycles in a row" in capsys.readouterr().err
    assert load(tmp_path / "health.json").failed_cycles == 1


def test_run_logs_the_alarm_for_the_operator(tmp_path: Path, ctx: Context, caplog: pytest.LogCaptureFixture) -> None:
    from sync.commands.loop import guarded

    backend = LocalBackend(tmp_path)
    backend.create([response_row()], Settings())
    _break_local(backend)
    store = backend.store()
    cycle = guarded(lambda: run_cycle(store, ctx, NOW), Watch(tmp_path / "state.json", 2, ctx, lambda: NOW), store)
    with caplog.at_level(logging.WARNING):
        cycle()
        assert "ALARM" not in caplog.text
        cycle()
    assert [r.levelname for r in caplog.records if r.getMessage().startswith("ALARM: 2 cycles")] == ["ERROR"]


def test_the_record_lives_beside_the_workbook_or_in_the_users_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config import load_settings
    from sync.commands.cli import main
    from sync.commands.health import state_path

    assert main(["--workbook", str(tmp_path / "gone" / "sapa.xlsx"), "once"]) == 2
    assert not (tmp_path / "gone").exists()  # a wrong path makes no folder
    local = load_settings(None, **{"store.workbook": str(tmp_path / "sapa.xlsx")})
    assert state_path(local) == tmp_path / ".sapa.xlsx.sapa-sync-state.json"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    google = load_settings(None, **{"store.backend": "google", "google.spreadsheet_id": "1AbC"})
    assert state_path(google) == tmp_path / "state" / "sapa-sync" / "1AbC.json"


def test_a_successful_cycle_is_recorded_and_kept_through_failures(tmp_path: Path, ctx: Context) -> None:
    clock = [NOW]
    watch = Watch(tmp_path / "state.json", 3, ctx, lambda: clock[0])
    watch.cycle(lambda: None, lambda: None)
    assert load(watch.path).last_cycle_at == "2026-11-28T03:00:00+00:00"
    clock[0] = NOW + timedelta(minutes=5)
    with pytest.raises(TransientError):
        watch.cycle(lambda: (_ for _ in ()).throw(TransientError("busy")), lambda: None)
    assert load(watch.path).last_cycle_at == "2026-11-28T03:00:00+00:00"  # the last one that succeeded
    watch.cycle(lambda: None, lambda: None)
    assert load(watch.path) == Health(last_cycle_at="2026-11-28T03:05:00+00:00")


def test_status_gives_the_last_cycle_and_warns_when_it_is_three_poll_intervals_old(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sync.commands.cli import main

    workbook = tmp_path / "sapa.xlsx"
    demo.write_responses(workbook, demo.sample_rows(3), Settings())
    status = ["--workbook", str(workbook), "status", "--json"]
    assert main(status) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["last_cycle_at"] is None and report["stale"] is False  # no worker has run yet
    assert main(["--workbook", str(workbook), "once"]) == 0
    capsys.readouterr()
    assert main(status) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["last_cycle_at"].endswith("+07:00") and report["stale"] is False
    assert not [m for m in report["messages"] if "terakhir bekerja" in m]

    record = workbook.with_name(".sapa.xlsx.sapa-sync-state.json")
    long_ago = datetime.now(UTC) - timedelta(seconds=3 * Settings().poll_interval_seconds + 60)
    record.write_text(json.dumps({"last_cycle_at": long_ago.isoformat(timespec="seconds")}))
    assert main(status) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["stale"] is True
    assert [m for m in report["messages"] if m.startswith("PERINGATAN: sistem terakhir bekerja")]
    assert main(["--workbook", str(workbook), "status"]) == 0
    assert "sistem terakhir bekerja" in capsys.readouterr().out
