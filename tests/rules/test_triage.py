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
        ({"in_danger": None, "unreadable": {"in_danger": "Mungkin"}},
         "Jawaban 'dalam bahaya' tidak terbaca: 'Mungkin'; bahaya saat ini tidak diketahui"),
        ({"in_danger": None, "unreadable": {"in_danger": ""}},
         "Kolom jawaban 'dalam bahaya' tidak ditemukan; bahaya saat ini tidak diketahui"),
        ({"victim_age": None}, "Usia korban tidak diisi; dianggap anak sampai dipastikan"),
        ({"victim_age": None, "unreadable": {"victim_age": "dewasa"}},
         "Usia korban tidak terbaca: 'dewasa'; dianggap anak sampai dipastikan"),
        ({"victim_age": None, "unreadable": {"victim_age": ""}},
         "Kolom jawaban usia korban tidak ditemukan; dianggap anak sampai dipastikan"),
    ],
)
def test_medium_risk_signals(changes: dict[str, Any], reason: str) -> None:
    assert triage(complaint(**changes)) == Triage("sedang", (reason,))


@pytest.mark.parametrize(
    "changes",
    [
        {"victim_age": 18},
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


def test_an_unknown_age_counts_as_a_child_until_it_is_known() -> None:
    unreadable_age = complaint(victim_age=None, violence_types=("seksual",), unreadable={"victim_age": "??"})
    assert triage(unreadable_age) == Triage("tinggi", (
        "Kekerasan seksual terhadap anak (usia korban belum pasti; dianggap anak)",
        "Usia korban tidak terbaca: '??'; dianggap anak sampai dipastikan",
    ))


def test_the_reason_quotes_only_the_start_of_an_unreadable_answer() -> None:
    long_answer = "x" * 200
    reasons = triage(complaint(victim_age=None, unreadable={"victim_age": long_answer})).reasons
    assert max(len(r) for r in reasons) < 100


def test_an_office_may_treat_an_unknown_age_as_an_adult() -> None:
    as_adult = TriagePolicy(unknown_age_as_child=False)
    assert triage(complaint(victim_age=None, violence_types=("seksual",)), as_adult) == Triage(
        "sedang", ("Kekerasan seksual",))
    assert triage(complaint(victim_age=None), as_adult).level == "rendah"


def test_without_the_medium_child_rule_the_high_reason_still_says_the_child_is_presumed() -> None:
    policy = TriagePolicy(medium_when_child=False)
    result = triage(complaint(victim_age=None, violence_types=("seksual",)), policy)
    assert result == Triage("tinggi", ("Kekerasan seksual terhadap anak (usia korban belum pasti; dianggap anak)",))


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
