"""Probable duplicates: linked for staff to check, never merged."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.complaint import Complaint
from rules.duplicates import (
    DuplicatePolicy,
    ProbableDuplicate,
    find_duplicates,
    find_duplicates_in_batch,
    name_similarity,
    name_tokens,
)
from tests.rules.complaints import complaint

NAME_REASON_START = "Nama korban mirip ("


def other(**changes: Any) -> Complaint:
    """An earlier case about the same victim, reported by someone else."""
    base = {"reporter_phone": "+6285711112222", "submitted_at": datetime(2026, 11, 25, 20, 0)}
    return complaint(**{**base, **changes})


def test_same_reporter_phone_is_linked() -> None:
    earlier = other(reporter_phone="+6281234567890", victim_name="Budi", victim_sex="Laki-laki",
                    kelurahan="Roban")
    assert find_duplicates("K-2", complaint(), [("K-1", earlier)]) == [
        ProbableDuplicate("K-2", "K-1", "Nomor WhatsApp pelapor sama"),
    ]


def test_similar_name_same_kelurahan_close_dates_is_linked() -> None:
    found = find_duplicates("K-2", complaint(), [("K-1", other(victim_name="Bu Siti Aminah."))])
    assert found == [
        ProbableDuplicate("K-2", "K-1",
                          "Nama korban mirip (100%), kelurahan sama, tanggal berdekatan (0 hari)"),
    ]


def test_both_reasons_are_given_together() -> None:
    earlier = other(reporter_phone="+6281234567890")
    [link] = find_duplicates("K-2", complaint(), [("K-1", earlier)])
    assert link.reason.startswith("Nomor WhatsApp pelapor sama; Nama korban mirip")


@pytest.mark.parametrize(
    "changes",
    [
        {"kelurahan": "Roban"},
        {"kelurahan": None},
        {"victim_name": "Rina Wati"},
        {"victim_name": None},
        {"victim_sex": "Laki-laki"},
        {"incident_date": date(2026, 10, 1), "submitted_at": datetime(2026, 10, 2, 8, 0)},
        {"incident_date": None, "submitted_at": None},
    ],
)
def test_name_match_needs_name_kelurahan_sex_and_dates(changes: dict[str, Any]) -> None:
    assert find_duplicates("K-2", complaint(), [("K-1", other(**changes))]) == []


def test_dates_fall_back_to_submission_dates() -> None:
    earlier = other(incident_date=None, submitted_at=datetime(2026, 11, 20, 8, 0))
    [link] = find_duplicates("K-2", complaint(), [("K-1", earlier)])
    assert link.reason.endswith("tanggal berdekatan (8 hari)")


def test_the_same_incident_reported_weeks_later_is_still_linked() -> None:
    earlier = other(submitted_at=datetime(2026, 10, 1, 8, 0), incident_date=date(2026, 11, 27))
    assert len(find_duplicates("K-2", complaint(), [("K-1", earlier)])) == 1


def test_sex_unknown_does_not_prevent_a_link() -> None:
    assert len(find_duplicates("K-2", complaint(), [("K-1", other(victim_sex=None))])) == 1
    relaxed = DuplicatePolicy(same_sex_required=False)
    earlier = other(victim_sex="Laki-laki")
    assert len(find_duplicates("K-2", complaint(), [("K-1", earlier)], relaxed)) == 1


def test_thresholds_are_configurable() -> None:
    earlier = other(incident_date=date(2026, 11, 1), submitted_at=datetime(2026, 11, 2, 8, 0))
    assert find_duplicates("K-2", complaint(), [("K-1", earlier)]) == []
    wide = DuplicatePolicy(max_days_apart=30)
    assert len(find_duplicates("K-2", complaint(), [("K-1", earlier)], wide)) == 1
    near = other(victim_name="Siti Aminah Putri")
    assert find_duplicates("K-2", complaint(), [("K-1", near)]) == []
    loose = DuplicatePolicy(name_threshold=0.7)
    assert len(find_duplicates("K-2", complaint(), [("K-1", near)], loose)) == 1


def test_a_case_is_not_its_own_duplicate_and_anonymous_phones_do_not_match() -> None:
    assert find_duplicates("K-1", complaint(), [("K-1", complaint())]) == []
    no_phone = complaint(reporter_phone=None)
    earlier = other(reporter_phone=None, victim_name="Budi", kelurahan="Roban")
    assert find_duplicates("K-2", no_phone, [("K-1", earlier)]) == []


def test_reasons_never_contain_names_or_numbers() -> None:
    [link] = find_duplicates("K-2", complaint(), [("K-1", other(reporter_phone="+6281234567890"))])
    for private in ("Siti", "Aminah", "Pasiran", "0812", "6281"):
        assert private not in link.reason


def test_a_batch_is_checked_against_open_cases_and_itself() -> None:
    twice = [("K-3", complaint()), ("K-4", complaint(submitted_at=datetime(2026, 11, 28, 9, 5)))]
    open_cases = [("K-1", other()), ("K-2", other(victim_name="Budi", kelurahan="Roban"))]
    links = find_duplicates_in_batch(twice, open_cases)
    assert [(d.case_id, d.matched_case_id) for d in links] == [
        ("K-3", "K-1"), ("K-4", "K-1"), ("K-4", "K-3"),
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Siti Aminah", "siti aminah"),
        ("An. Siti Aminah", "Siti Aminah"),
        ("Ibu Siti Aminah", "SITI AMINAH, Bu"),
        ("Bpk. Ahmad Fauzi", "Ahmad Fauzi"),
        ("S. Aminah", "Siti Aminah"),
        ("S.A.", "Siti Aminah"),
        ("Aminah Siti", "Siti Aminah"),
        ("Siti Aminnah", "Siti Aminah"),
        ("Sïtî Amínah", "Siti Aminah"),
        ("Aminah S.", "S. Aminah"),
    ],
)
def test_names_that_match(a: str, b: str) -> None:
    assert name_similarity(a, b) >= 0.85


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Siti Aminah", "Rina Wati"),
        ("S. Aminah", "R. Aminah"),
        ("A", "A"),
        ("An.", "Bu"),
        (None, "Siti"),
        ("", ""),
        ("Budi", "Budiman Santoso"),
    ],
)
def test_names_that_do_not_match(a: str | None, b: str | None) -> None:
    assert name_similarity(a, b) < 0.85


def test_name_tokens() -> None:
    assert name_tokens("An. Siti-Aminah (12 th)") == ["siti", "aminah", "th"]
    assert name_tokens(None) == []


@given(st.one_of(st.none(), st.text(max_size=30)), st.one_of(st.none(), st.text(max_size=30)))
def test_name_similarity_is_a_symmetric_score(a: str | None, b: str | None) -> None:
    score = name_similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert abs(score - name_similarity(b, a)) < 1e-9


_DAY = st.none() | st.integers(min_value=0, max_value=30)  # days after 1 October


def _case(phone: str | None, place: str | None, name: str | None, sex: str | None,
          incident: int | None, sent: int | None) -> Complaint:
    first = datetime(2026, 10, 1, 9, 0)
    return complaint(
        reporter_phone=phone, kelurahan=place, victim_name=name, victim_sex=sex,
        incident_date=None if incident is None else (first + timedelta(days=incident)).date(),
        submitted_at=None if sent is None else first + timedelta(days=sent),
    )


_CASES = st.lists(st.builds(
    _case,
    st.sampled_from([None, "+6281111", "+6282222"]),
    st.sampled_from([None, "Pasiran", "pasiran ", "Roban"]),
    st.sampled_from([None, "Siti Aminah", "S. Aminah", "Siti Aminnah", "Budi"]),
    st.sampled_from([None, "Perempuan", "Laki-laki"]),
    _DAY,
    _DAY,
), max_size=12)


@given(_CASES, st.integers(min_value=0, max_value=12))
def test_blocking_finds_exactly_what_comparing_every_pair_finds(cases: list[Complaint], cut: int) -> None:
    """The batch finder looks only at candidates (same phone; same kelurahan within the day window):
    it must link exactly the pairs that comparing each new case with every earlier one links."""
    named = [(f"K-{i}", c) for i, c in enumerate(cases)]
    open_cases, new_cases = named[:cut], named[cut:]
    every_pair = [link for i, (case_id, c) in enumerate(new_cases)
                  for link in find_duplicates(case_id, c, [*open_cases, *new_cases[:i]])]
    assert find_duplicates_in_batch(new_cases, open_cases) == every_pair


@pytest.mark.parametrize("days", [-15, -14, 14, 15])
def test_the_day_window_of_a_batch_ends_at_max_days_apart(days: int) -> None:
    """Either way round: an open case may have been sent after the new one (a response typed in late)."""
    earlier = other(submitted_at=datetime(2026, 11, 20, 9), incident_date=date(2026, 10, 1))
    later = complaint(submitted_at=datetime(2026, 11, 20, 9) + timedelta(days=days), incident_date=date(2026, 9, 1))
    assert bool(find_duplicates_in_batch([("K-2", later)], [("K-1", earlier)])) is (abs(days) <= 14)


def test_the_offices_own_number_links_no_cases() -> None:
    """Hotline calls typed in by the Admin carry the office's number: it says nothing about who reported."""
    office = "+62562639472"
    earlier = other(reporter_phone=office, victim_name="Budi", victim_sex="Laki-laki", kelurahan="Roban")
    later = complaint(reporter_phone=office)
    assert find_duplicates_in_batch([("K-2", later)], [("K-1", earlier)])  # any number links by default
    policy = DuplicatePolicy(ignored_phones=frozenset({office}))
    assert find_duplicates_in_batch([("K-2", later)], [("K-1", earlier)], policy) == []
    assert find_duplicates("K-2", later, [("K-1", earlier)], policy) == []
