"""Answers the worker cannot read never make a case look safer (contract suite, both backends).

An age in words reads as the same age; an unreadable age counts as a child's until it is
known; a reporter who left only a phone number is called back, not set aside.
"""

from __future__ import annotations

from urllib.parse import unquote

from sync.commands.demo_walk import FORWARD
from sync.commands.selftest.office import response_row
from sync.cycle.tabs import I, V
from tests.test_cycle import records
from tests.test_workflow_cycle import act, row

NOTHING_ABOUT_THE_VICTIM = dict.fromkeys(
    ["victim_name", "victim_sex", "victim_age", "kecamatan", "kelurahan", "victim_address",
     "violence_types", "story", "in_danger"])
PHONE_ONLY = NOTHING_ABOUT_THE_VICTIM | dict.fromkeys(["reporter_name", "reporter_relation", "wa_safe", "consent"])


def intake(backend, settings) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    return {str(r[I.ID]): r for r in records(backend, settings.tabs.intake)}


def test_an_age_in_words_gives_the_same_risk_as_in_digits(backend, settings, cycle) -> None:
    story = {"violence_types": "Fisik", "in_danger": "Tidak"}
    backend.create([response_row(victim_age="7", story="a", **story),
                    response_row(victim_age="tujuh tahun", story="b", **story)], settings)
    cycle()
    digits, words = intake(backend, settings).values()
    assert (digits[I.RISK], digits[I.RISK_REASONS]) == ("Sedang", "Korban anak (di bawah 18 tahun)")
    assert (words[I.RISK], words[I.RISK_REASONS]) == (digits[I.RISK], digits[I.RISK_REASONS])
    assert words[I.AGE] == "7"


def test_an_unreadable_age_with_sexual_violence_is_an_emergency(backend, settings, cycle) -> None:
    backend.create([response_row(victim_age="??", violence_types="Seksual", in_danger="Tidak")], settings)
    cycle()
    case = intake(backend, settings)["SAPA-2026-0001"]
    assert case[I.RISK] == "DARURAT"
    assert "Usia korban tidak terbaca: '??'; dianggap anak sampai dipastikan" in str(case[I.RISK_REASONS])
    assert "Usia korban bukan angka" in str(case[I.WARNINGS])


def test_an_unreadable_danger_answer_is_not_read_as_no(backend, settings, cycle) -> None:
    backend.create([response_row(victim_age="30", in_danger="Mungkin")], settings)
    cycle()
    case = intake(backend, settings)["SAPA-2026-0001"]
    assert case[I.RISK] == "Sedang"
    assert "Jawaban 'dalam bahaya' tidak terbaca: 'Mungkin'" in str(case[I.RISK_REASONS])


def test_a_phone_number_alone_is_a_case_to_call_back(backend, settings, cycle) -> None:
    backend.create([response_row(**PHONE_ONLY)], settings)
    cycle()
    assert records(backend, settings.tabs.review) == []
    case = intake(backend, settings)["SAPA-2026-0001"]
    assert "hubungi kembali pelapor" in str(case[I.WARNINGS])
    assert case[I.RISK] == "Sedang"  # neither the danger nor the age is known
    act(backend, settings, "SAPA-2026-0001", FORWARD)
    cycle()
    subkoor = row(backend, settings, "subkoor", "SAPA-2026-0001")
    link = str(backend.link(settings.tabs.subkoor, I.ID, "SAPA-2026-0001", I.WA_LINK))
    assert link.startswith("https://wa.me/6281234567890?text=")
    assert "hubungi kembali pelapor" in str(subkoor[I.WARNINGS])


def test_nothing_and_no_number_stays_in_review_and_says_so(backend, settings, cycle) -> None:
    backend.create([response_row(**PHONE_ONLY | {"reporter_phone": "0812-ABC"})], settings)
    cycle()
    (review,) = records(backend, settings.tabs.review)
    assert "nomor telepon pelapor tidak terbaca" in str(review[V.REASON])


def test_two_phone_numbers_link_to_the_first(backend, settings, cycle) -> None:
    backend.create([response_row(reporter_phone="0812 3456 7890 / 0813 1111 2222")], settings)
    cycle()
    act(backend, settings, "SAPA-2026-0001", FORWARD)
    cycle()
    subkoor = row(backend, settings, "subkoor", "SAPA-2026-0001")
    link = str(backend.link(settings.tabs.subkoor, I.ID, "SAPA-2026-0001", I.WA_LINK))
    assert link.startswith("https://wa.me/6281234567890?text=")
    assert "SAPA-2026-0001" in unquote(link)
    assert "2 nomor" in str(subkoor[I.WARNINGS])
