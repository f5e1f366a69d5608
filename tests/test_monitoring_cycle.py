"""Monitoring by the Konselor after a case is closed or referred (issue 12, SOP step 7), on both backends."""

from __future__ import annotations

from datetime import timedelta

from sync.commands.demo_walk import (
    ASSIGN,
    CLOSE,
    FILE,
    FINAL_REPORT,
    FORWARD,
    IDENTIFY,
    REFER,
    REFERRAL_ACCEPTED,
    REPORT,
    VERIFY,
)
from sync.commands.selftest.office import response_row
from sync.cycle.tabs import I, L, R
from tests.conftest import NOW
from tests.test_cycle import current_status, records
from tests.test_workflow_cycle import act, register, row

CASE = "SAPA-2026-0001"
CLOSED = [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT, CLOSE, FINAL_REPORT, FILE]


def visit(day: str, condition: str = "Korban tenang.") -> tuple[str, dict[str, str]]:
    return ("konselor", {"Keputusan": "Catat kunjungan", "Tanggal kunjungan": day, "Cara pemantauan": "Telepon",
                         "Kondisi korban saat ini": condition, "Rencana berikutnya": "Kunjungan rumah."})


def walk(backend, settings, cycle, steps) -> None:  # type: ignore[no-untyped-def]
    for step in steps:
        act(backend, settings, CASE, step)
        cycle()


def test_a_closed_case_is_monitored_visits_are_recorded_and_late_follow_ups_show(backend, settings, ctx,
                                                                                 cycle) -> None:
    backend.create([response_row(in_danger="Tidak")], settings)  # a child victim: risk sedang, 7/30/90 days
    cycle()
    walk(backend, settings, cycle, CLOSED)
    konselor = row(backend, settings, "konselor", CASE)
    assert konselor[I.STATE] == "Selesai" and konselor[I.MONITORING] == "Terjadwal"
    assert "1. 5 Desember 2026 — belum" in str(konselor[I.SCHEDULE])  # 7 days after 28 November
    assert konselor[I.TURN] is None and konselor[I.CLOCK] == "Tepat waktu"
    late = NOW + timedelta(days=9)
    cycle(late)
    konselor = row(backend, settings, "konselor", CASE)
    assert (konselor[I.MONITORING], konselor[I.CLOCK], konselor[I.TURN]) == ("Terlambat", "Terlambat", "Ya")
    report = current_status(backend, ctx, late)
    assert report["monitoring"]["overdue"] == 1 and report["monitoring"]["follow"][0]["case"] == CASE
    assert report["overdue"] == 0  # the case's own clocks stay stopped
    act(backend, settings, CASE, visit("7/12/2026", "Korban mulai bersekolah lagi."))
    result = cycle(late)
    assert [e.code for e in result.events] == ["monitoring_visit"]
    konselor = row(backend, settings, "konselor", CASE)
    assert konselor[I.MONITORING] == "Terjadwal" and "sudah (7 Desember 2026)" in str(konselor[I.SCHEDULE])
    assert "Korban mulai bersekolah lagi." in str(konselor[I.VISITS])
    assert register(backend, settings)[CASE][R.STATE_KEY] == "closed"  # the state does not change
    log = [r for r in records(backend, settings.tabs.log) if r[L.CODE] == "monitoring_visit"]
    assert len(log) == 1 and "bersekolah" not in str(log[0])  # no victim data in the log tab
    assert not cycle(late).plan
    act(backend, settings, CASE, ("konselor", {"Keputusan": "Akhiri pemantauan",
                                               "Alasan mengakhiri pemantauan": "Kondisi korban stabil"}))
    cycle(late)
    assert row(backend, settings, "konselor", CASE)[I.MONITORING] == "Pemantauan dihentikan"
    assert current_status(backend, ctx, late)["monitoring"] | {"follow": []} == {
        "due": 0, "overdue": 0, "ended": 1, "active": 0, "follow": []}


def test_a_referral_and_its_monitoring_live_side_by_side(backend, settings, ctx, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    walk(backend, settings, cycle, [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT, REFER])
    act(backend, settings, CASE, REFERRAL_ACCEPTED)
    act(backend, settings, CASE, visit("29/11/2026"))
    cycle(NOW + timedelta(days=1))
    record = register(backend, settings)[CASE]
    assert (record[R.STATE_KEY], record[R.REFERRAL]) == ("referred", "Diterima")
    konselor = row(backend, settings, "konselor", CASE)
    assert (konselor[I.REFERRAL], konselor[I.DESTINATION]) == ("Diterima", "UPTD PPA")
    assert "29 November 2026" in str(konselor[I.VISITS])


def test_a_visit_without_a_readable_date_is_refused_with_the_reason(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    walk(backend, settings, cycle, CLOSED)
    act(backend, settings, CASE, visit("kemarin"))
    cycle()
    message = str(row(backend, settings, "konselor", CASE)[I.MESSAGE])
    assert message.startswith("✗") and "Tanggal kunjungan harus berupa tanggal" in message


def test_reopening_from_monitoring_is_the_kepala_dinas_call(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    walk(backend, settings, cycle, CLOSED)
    act(backend, settings, CASE, ("kadis", {"Keputusan": "Buka kembali", "Alasan": "Kekerasan berulang"}))
    cycle()
    assert register(backend, settings)[CASE][R.STATE_KEY] == "identification"
    assert row(backend, settings, "konselor", CASE)[I.MONITORING] is None
