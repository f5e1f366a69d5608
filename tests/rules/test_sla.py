"""Deadlines and clocks, with fixed times (nothing here sleeps or reads the clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from rules.sla import (
    Deadline,
    SlaPolicy,
    clock_status,
    deadlines,
    most_urgent,
    time_left_text,
)

RECEIVED = datetime(2026, 11, 28, 9, 0)
H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.mark.parametrize(("risk", "hours"), [("tinggi", 1), ("sedang", 6), ("rendah", 24)])
def test_first_contact_depends_on_risk(risk: str, hours: int) -> None:
    first, service = deadlines(RECEIVED, risk, "intake", RECEIVED)
    assert first == Deadline("kontak_pertama", "Kontak pertama", RECEIVED, RECEIVED + hours * H)
    assert service == Deadline("layanan", "Penyelesaian layanan", RECEIVED, RECEIVED + 48 * H)


def test_untriaged_case_gets_the_strictest_first_contact() -> None:
    assert deadlines(RECEIVED, None, "intake", None)[0].due == RECEIVED + H
    assert deadlines(RECEIVED, "???", "identification", None)[0].due == RECEIVED + H


@pytest.mark.parametrize("state", ["verification", "assignment", "outreach", "decision"])
def test_after_identification_only_the_service_clock_runs(state: str) -> None:
    assert [d.kind for d in deadlines(RECEIVED, "tinggi", state, RECEIVED)] == ["layanan"]


@pytest.mark.parametrize("state", ["referred", "closed", "rejected"])
def test_no_clock_runs_once_the_office_has_let_go(state: str) -> None:
    assert deadlines(RECEIVED, "tinggi", state, RECEIVED) == ()


def test_per_state_deadlines_start_when_the_case_entered_the_state() -> None:
    policy = SlaPolicy(per_state={"verification": 8 * H}, service=72 * H)
    entered = RECEIVED + 5 * H
    found = deadlines(RECEIVED, "sedang", "verification", entered, policy)
    assert found == (
        Deadline("layanan", "Penyelesaian layanan", RECEIVED, RECEIVED + 72 * H),
        Deadline("tahap", "Tahap Verifikasi (Kepala Bidang)", entered, entered + 8 * H),
    )
    assert most_urgent(found) == found[1]
    assert len(deadlines(RECEIVED, "sedang", "verification", None, policy)) == 1


def test_first_contact_is_configurable() -> None:
    policy = SlaPolicy(first_contact={"tinggi": 30 * M, "sedang": 3 * H, "rendah": 12 * H})
    assert deadlines(RECEIVED, "tinggi", "intake", None, policy)[0].due == RECEIVED + 30 * M


@pytest.mark.parametrize(
    "changes",
    [
        {"first_contact": {"tinggi": H}},
        {"per_state": {"arsip": H}},
        {"first_contact_states": ("intake", "arsip")},
        {"service": timedelta(0)},
        {"per_state": {"outreach": -H}},
        {"warn_fraction": 1.0},
        {"warn_fraction": -0.1},
    ],
)
def test_a_wrong_policy_is_refused_when_built(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SlaPolicy(**changes)  # type: ignore[arg-type]


def test_most_urgent_of_nothing_is_nothing() -> None:
    assert most_urgent(()) is None


@pytest.mark.parametrize(
    ("elapsed", "status"),
    [
        (timedelta(0), "tepat_waktu"),
        (3 * H, "tepat_waktu"),  # 1 h of 4 left: exactly 25 %, not under
        (3 * H + M, "hampir_terlambat"),
        (4 * H, "hampir_terlambat"),  # at the deadline: not yet late
        (4 * H + timedelta(seconds=1), "terlambat"),
        (30 * H, "terlambat"),
    ],
)
def test_clock_status(elapsed: timedelta, status: str) -> None:
    assert clock_status(RECEIVED + elapsed, RECEIVED, RECEIVED + 4 * H) == status


def test_clock_status_warning_fraction_is_configurable() -> None:
    now = RECEIVED + 2 * H
    assert clock_status(now, RECEIVED, RECEIVED + 4 * H, warn_fraction=0.6) == "hampir_terlambat"
    assert clock_status(now, RECEIVED, RECEIVED + 4 * H, warn_fraction=0) == "tepat_waktu"


def test_clock_with_no_time_allowed_is_nearly_late_until_past() -> None:
    assert clock_status(RECEIVED, RECEIVED, RECEIVED) == "hampir_terlambat"
    assert clock_status(RECEIVED + M, RECEIVED, RECEIVED) == "terlambat"


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (3 * H + 20 * M, "sisa 3 jam 20 menit"),
        (3 * H + 29 * M + timedelta(seconds=59), "sisa 3 jam 20 menit"),
        (3 * H + 5 * M, "sisa 3 jam"),
        (H, "sisa 1 jam"),
        (59 * M, "sisa 55 menit"),
        (5 * M, "sisa 5 menit"),
        (4 * M, "sisa kurang dari 5 menit"),
        (timedelta(0), "sisa kurang dari 5 menit"),
        (47 * H + 59 * M, "sisa 1 hari 23 jam"),
        (48 * H + 30 * M, "sisa 2 hari"),
        (-2 * H, "terlambat 2 jam"),
        (-(2 * H + 7 * M), "terlambat 2 jam"),
        (-(26 * H), "terlambat 1 hari 2 jam"),
        (-timedelta(seconds=1), "terlambat kurang dari 5 menit"),
        (-(12 * M), "terlambat 10 menit"),
    ],
)
def test_time_left_text_is_coarse_and_stable(left: timedelta, text: str) -> None:
    deadline = RECEIVED + 10 * H
    assert time_left_text(deadline - left, deadline) == text
