"""Monitoring after the case (SOP step 7): the follow-up schedule, which visit meets which follow-up, overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from config.monitoring import Monitoring as MonitoringSettings
from rules.monitoring import MonitoringPolicy, assess, days_late, schedule, summary
from rules.workflow import QUEUE, TRANSITIONS, decide, find_transition

CLOSED = date(2026, 12, 1)


def day(offset: int) -> date:
    return CLOSED + timedelta(days=offset)


def test_schedule_counts_from_closure_and_darurat_is_sooner() -> None:
    assert schedule(CLOSED, "sedang") == (day(7), day(30), day(90))
    assert schedule(CLOSED, "rendah") == (day(7), day(30), day(90))
    assert schedule(CLOSED, "tinggi") == (day(3), day(7), day(30), day(90))
    assert schedule(CLOSED, None) == schedule(CLOSED, "tinggi"), "an untriaged case is not taken lightly"


def test_the_schedule_is_configurable() -> None:
    policy = MonitoringSettings(days={"tinggi": [1, 14], "sedang": [14], "rendah": [30]}).policy()
    assert schedule(CLOSED, "tinggi", policy) == (day(1), day(14))
    assert schedule(CLOSED, "rendah", policy) == (day(30),)


def test_statuses_over_time() -> None:
    assert assess(CLOSED, "sedang", [], day(1)).status == "terjadwal"
    assert assess(CLOSED, "sedang", [], day(5)).status == "jatuh_tempo"  # two days before
    assert assess(CLOSED, "sedang", [], day(7)).status == "jatuh_tempo"  # the day itself
    late = assess(CLOSED, "sedang", [], day(9))
    assert late.status == "terlambat" and late.next is not None and late.next.due == day(7)
    assert days_late(late, day(9)) == 2
    met = assess(CLOSED, "sedang", [day(8)], day(9))
    assert met.status == "terjadwal" and met.met == 1 and met.next is not None and met.next.due == day(30)
    done = assess(CLOSED, "sedang", [day(7), day(31), day(92)], day(100))
    assert done.status == "selesai" and done.next is None and done.label == "Semua kunjungan selesai"
    ended = assess(CLOSED, "sedang", [day(7)], day(100), ended=True)
    assert ended.status == "dihentikan" and ended.next is None and days_late(ended, day(100)) == 0


def test_an_extra_visit_does_not_meet_the_next_follow_up() -> None:
    seen = assess(CLOSED, "sedang", [day(7), day(8)], day(32))
    assert seen.met == 1 and seen.extra_visits == 1 and seen.status == "terlambat"
    early = assess(CLOSED, "sedang", [day(7), day(25)], day(32))  # past halfway from day 7 to day 30
    assert early.met == 2 and early.status == "terjadwal"
    before = assess(CLOSED, "sedang", [day(-1)], day(2))
    assert before.met == 0 and before.extra_visits == 1


def test_summary_counts_for_status() -> None:
    states = [assess(CLOSED, "sedang", [], day(6)), assess(CLOSED, "sedang", [], day(20)),
              assess(CLOSED, "sedang", [], day(20), ended=True), assess(CLOSED, "sedang", [], day(1))]
    assert summary(states) == {"due": 1, "overdue": 1, "ended": 1}


@pytest.mark.parametrize(("days", "reason"), [
    ({"tinggi": [3], "sedang": [7]}, "risk levels"),
    ({"tinggi": [3], "sedang": [30, 7], "rendah": [7]}, "increasing"),
    ({"tinggi": [0], "sedang": [7], "rendah": [7]}, "positive"),
    ({"tinggi": [], "sedang": [7], "rendah": [7]}, "positive"),
])
def test_a_wrong_schedule_is_refused_with_the_reason(days: dict[str, list[int]], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        MonitoringSettings(days=days)


@given(visits=st.lists(st.integers(min_value=-10, max_value=200), max_size=8), today=st.integers(0, 300))
def test_follow_ups_are_met_in_order_by_distinct_visits(visits: list[int], today: int) -> None:
    seen = assess(CLOSED, "tinggi", [day(v) for v in visits], day(today), policy=MonitoringPolicy())
    met = [f.met_on for f in seen.follow_ups if f.met_on is not None]
    assert met == sorted(met) and seen.met + seen.extra_visits == len(visits)
    assert all(f.met_on is None for f in seen.follow_ups[seen.met:]), "no gap: follow-ups are met in order"
    if seen.status == "terlambat":
        assert seen.next is not None and seen.next.due < day(today)


# --- the procedure's step 7 in the workflow table ---------------------------------------------------------


def test_monitoring_rows_keep_the_case_where_it_is_and_come_last_in_the_table() -> None:
    rows = [t for t in TRANSITIONS if t.role == "konselor"]
    assert {(t.from_state, t.decision) for t in rows} == {
        (s, d) for s in ("closed", "referred") for d in ("Catat kunjungan", "Akhiri pemantauan")}
    assert all(t.to_state == t.from_state for t in rows)
    order = [t.decision for t in TRANSITIONS]
    assert order.index("Laporan akhir diarsipkan") < order.index("Catat kunjungan")  # step 6, then step 7
    assert QUEUE["final_report"] == "subkoor" and QUEUE["filing"] == "admin"


def test_the_final_report_moves_from_the_kepala_dinas_to_the_sub_koordinator_and_the_admin() -> None:
    close = find_transition("decision", "Selesai ditangani Dinas")
    assert close is not None and (close.role, close.to_state, close.required) == ("kadis", "final_report", ())
    write = find_transition("final_report", "Laporan akhir selesai")
    assert write is not None
    assert (write.role, write.to_state, write.required) == ("subkoor", "filing", ("laporan_akhir",))
    filed = find_transition("filing", "Laporan akhir diarsipkan")
    assert filed is not None and (filed.role, filed.to_state) == ("admin", "closed")


@pytest.mark.parametrize("typed", ["8/12/2026", "08-12-2026", "2026-12-08", "2026-12-08 00:00:00", "46364"])
def test_a_visit_date_may_be_typed_or_a_date_cell(typed: str) -> None:
    fields = {"tanggal_kunjungan": typed, "cara_pemantauan": "Telepon", "kondisi_terkini": "Stabil",
              "rencana_berikutnya": "Kunjungan rumah"}
    assert decide("closed", "konselor", "Catat kunjungan", fields).applied


def test_a_visit_needs_a_date_and_a_listed_way() -> None:
    fields = {"tanggal_kunjungan": "minggu lalu", "cara_pemantauan": "Merpati pos", "kondisi_terkini": "Stabil",
              "rencana_berikutnya": "-"}
    outcome = decide("referred", "konselor", "Catat kunjungan", fields)
    assert outcome.refused and outcome.state == "referred"
    assert "Tanggal kunjungan harus berupa tanggal" in outcome.message and "Cara pemantauan harus" in outcome.message
