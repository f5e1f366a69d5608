"""The worker tabs as typed records (sync/cycle/records.py): parsed once, at the cycle's boundary, and
written back as they were; the cycle's steps stay small."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from config.settings import Settings
from rules import values
from sync.cycle.context import Context
from sync.cycle.records import Applied, Ledger, Visit, case_record, outbox_entry, register_cells
from sync.cycle.run import run_cycle
from sync.cycle.tabs import STEP_DATE, N, R
from sync.stores import cells
from sync.stores.cells import same
from sync.stores.local_store import LocalStore
from tests.conftest import Demo

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 28, 3, 0)


def test_a_register_row_is_written_back_as_it_was_read() -> None:
    row: dict[str, object] = {
        R.ID: "SAPA-2026-0007", R.RECEIVED: datetime(2026, 11, 20, 9, 15), R.CHANNEL: "Formulir online",
        R.STATE_KEY: "referred", R.ENTERED: 46347.5, R.RISK: "DARURAT", R.WARNINGS: 2.0,
        R.DUPLICATES: "SAPA-2026-0003 (nomor WhatsApp sama)", R.REFERRAL: "Diterima", R.DESTINATION: "UPTD PPA",
        R.EDITED: None, R.SOURCE: "Formulir", R.CREATED: 46346.396, R.FINGERPRINT: "3:abcde01234",
        R.APPLIED: "admin=3f2a9c01be@202611211015;kadis=0011aa22bb", R.NOTE: None,
        R.VISITS: "2026-12-01 | Kunjungan rumah | Stabil | Kunjungan lagi\nbukan tanggal | x | y | z",
        R.MONITORING_END: "2026-12-05 | Korban pindah kota",
        STEP_DATE["intake"]: datetime(2026, 11, 20, 9, 30), STEP_DATE["referred"]: "ditulis staf: kemarin",
    }
    record = case_record("SAPA-2026-0007", row)
    written = register_cells(record)
    for header, cell in row.items():
        assert same(cell, written[header]), header
    assert record.state == "referred" and record.risk == "tinggi"
    assert record.applied.get("admin") == Applied("3f2a9c01be", datetime(2026, 11, 21, 10, 15))
    assert record.applied.get("kadis") == Applied("0011aa22bb")
    assert [v.day for v in record.visits] == [date(2026, 12, 1), None]  # an unreadable line is kept, not shown
    assert record.monitoring_end is not None and record.monitoring_end.reason == "Korban pindah kota"
    assert record.step("referred") == "ditulis staf: kemarin"  # text staff typed over a date stays text


def test_an_unknown_state_or_role_is_read_as_the_procedure_allows() -> None:
    record = case_record("SAPA-2026-0001", {R.STATE_KEY: "tidak ada", R.APPLIED: "bos=123;admin=abc@bukan-waktu"})
    assert record.state == "intake"
    assert record.applied.text() == "admin=abc"  # a role the procedure lacks is dropped; an unreadable time too


def test_a_ledger_and_a_visit_round_trip() -> None:
    ledger = Ledger.parse(None).with_applied("subkoor", Applied("k1", datetime(2026, 11, 2, 8, 5)))
    ledger = ledger.with_applied("admin", Applied("k0"))
    assert ledger.text() == "admin=k0;subkoor=k1@202611020805"  # in the procedure's order of roles
    assert Ledger.parse(ledger.text()) == ledger
    visit = Visit.of(date(2026, 12, 1), "Telepon | video", None, "Kunjungan  rumah")
    assert visit.line == "2026-12-01 | Telepon / video | - | Kunjungan rumah"
    assert Visit.parse(visit.line) == visit


def test_a_cycle_reads_raw_cells_at_its_boundary_only(demo_run: Demo, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every worker tab is parsed in sync/cycle/records.py, every response in sync/cycle/identify.py (and the
    rules that read answers); no other step of a cycle reads a raw cell."""
    callers: Counter[str] = Counter()
    parse = values.text

    def traced(cell: object) -> str | None:
        caller = Path(sys._getframe(1).f_code.co_filename).resolve()
        callers[str(caller.relative_to(ROOT)) if caller.is_relative_to(ROOT) else str(caller)] += 1
        return parse(cell)

    monkeypatch.setattr(values, "text", traced)
    run_cycle(LocalStore(demo_run.copy(tmp_path)), Context.from_settings(Settings()), datetime.now().astimezone())
    outside = {path for path in callers if not path.startswith("rules/")}
    assert outside and outside <= {"sync/cycle/records.py", "sync/cycle/identify.py"}, outside
    assert callers["sync/cycle/records.py"] > 100  # the demo's tabs were read through the codec


def test_no_function_of_the_cycle_is_over_60_lines() -> None:
    long = []
    for path in sorted((ROOT / "sync" / "cycle").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and (node.end_lineno or 0) - node.lineno + 1 > 60:
                long.append(f"{path.name}:{node.name}")
    assert not long


def test_an_outbox_row_reads_the_same_as_read_back_or_as_just_written() -> None:
    written: dict[str, object] = {N.KEY: "k1", N.TO: "Admin, Sub Koordinator", N.URGENT: "Ya", N.TEXT: "Kasus baru",
                                  N.STATUS: "menunggu", N.DELIVERED: "telegram:1, email:a@b.id", N.ATTEMPTS: 2,
                                  N.LAST: datetime(2026, 11, 28, 10, 0), N.NOTE: None}
    read_back = written | {N.ATTEMPTS: 2.0, N.LAST: cells.serial(datetime(2026, 11, 28, 10, 0))}  # Google's cells
    entry = outbox_entry(7, written)
    assert entry == outbox_entry(7, read_back)
    assert entry.delivered == ("telegram:1", "email:a@b.id") and entry.attempts == 2 and entry.urgent
    assert outbox_entry(8, {N.ATTEMPTS: "dua"}).attempts == 0  # a count staff typed over is no count
