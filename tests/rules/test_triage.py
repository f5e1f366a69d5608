"""Risk triage from plain complaints."""

from __future__ import annotations

from typing import Any

import pytest

from rules.triage import RISK_LABELS, Triage, TriagePolicy, risk_label, triage
from tests.rules.complaints import complaint


def test_a_plain_complaint_is_low_and_says_why() -> None:
    assert triage(complaint()) == Triage("rendah", ("Tidak ada tanda bahaya atau kerentanan khusus",))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"in_danger": "ya"}, "Korban dalam bahaya sekarang"),
        ({"violence_types": ("tppo",)}, "Perdagangan orang (TPPO)"),
        ({"violence_types": ("seksual",), "victim_age": 12}, "Kekerasan seksual terhadap anak"),
        ({"urgent_needs": ("tempat_aman",)}, "Butuh tempat aman segera"),
        ({"urgent_needs": ("medis",)}, "Butuh bantuan medis segera"),
    ],
)
def test_high_risk_signals(changes: dict[str, Any], reason: str) -> None:
    result = triage(complaint(**changes))
    assert result.level == "tinggi"
    assert result.reasons[0] == reason
    assert result.label == "DARURAT"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"victim_age": 17}, "Korban anak (di bawah 18 tahun)"),
        ({"violence_types": ("fisik", "seksual")}, "Kekerasan seksual"),
        ({"violence_types": ("eksploitasi",)}, "Eksploitasi"),
        ({"victim_disability": "ya"}, "Korban penyandang disabilitas"),
        ({"in_danger": "tidak_tahu"}, "Bahaya saat ini tidak diketahui"),
        ({"in_danger": None}, "Bahaya saat ini tidak diketahui"),
    ],
)
def test_medium_risk_signals(changes: dict[str, Any], reason: str) -> None:
    assert triage(complaint(**changes)) == Triage("sedang", (reason,))


@pytest.mark.parametrize(
    "changes",
    [
        {"victim_age": 18},
        {"victim_age": None},
        {"victim_disability": "tidak_tahu"},
        {"violence_types": ("fisik", "psikis", "penelantaran", "lainnya")},
        {"urgent_needs": ("hukum", "konseling", "lainnya")},
    ],
)
def test_not_risk_signals_by_default(changes: dict[str, Any]) -> None:
    assert triage(complaint(**changes)).level == "rendah"


def test_all_reasons_are_listed_most_serious_first() -> None:
    child_in_danger = complaint(
        in_danger="ya", victim_age=9, violence_types=("seksual", "fisik"),
        urgent_needs=("medis", "konseling"), victim_disability="ya",
    )
    assert triage(child_in_danger) == Triage("tinggi", (
        "Korban dalam bahaya sekarang",
        "Kekerasan seksual terhadap anak",
        "Butuh bantuan medis segera",
        "Korban anak (di bawah 18 tahun)",
        "Korban penyandang disabilitas",
    ))


def test_sexual_violence_against_an_adult_is_medium_not_high() -> None:
    assert triage(complaint(violence_types=("seksual",), victim_age=25)).level == "sedang"


def test_policy_is_configurable() -> None:
    strict = TriagePolicy(high_violence=("tppo", "seksual"), medium_violence=("fisik",))
    assert triage(complaint(violence_types=("seksual",)), strict).level == "tinggi"
    assert triage(complaint(violence_types=("fisik",)), strict).reasons == ("Kekerasan fisik",)
    lenient = TriagePolicy(high_when_in_danger=False, medium_when_danger_unknown=False,
                           medium_when_child=False, high_needs=())
    assert triage(complaint(in_danger="ya", urgent_needs=("medis",)), lenient).level == "rendah"
    assert triage(complaint(in_danger=None, victim_age=5), lenient).level == "rendah"


def test_labels() -> None:
    assert risk_label("tinggi") == "DARURAT"
    assert risk_label("sedang") == "Sedang"
    assert set(RISK_LABELS) == {"tinggi", "sedang", "rendah"}
