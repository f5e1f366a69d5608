"""Reading single answers: phones, ages, dates and timestamps, places (checkboxes: tests/rules/test_options.py)."""

from datetime import date, datetime

import pytest

from config.settings import Choices
from rules import values
from rules.places import match_place


@pytest.mark.parametrize("raw", [
    "081234567890", "0812-3456-7890", "0812 3456 7890", "0812.3456.7890", "+62 812 3456 7890",
    "+62-812-3456-7890", "6281234567890", "62 812 3456 7890", "812-3456-7890", " 0812 3456 7890 ",
    81234567890,
])
def test_indonesian_mobile_numbers_become_e164(raw: object) -> None:
    assert values.phone(raw) == ("+6281234567890", None)


@pytest.mark.parametrize("raw", ["0812-ABC", "12345", "0812 3456", "tidak punya", "+62 999 1"])
def test_bad_phone_numbers_give_a_warning_not_a_number(raw: str) -> None:
    number, warning = values.phone(raw)
    assert number is None
    assert warning and "Nomor WhatsApp" in warning


def test_landline_is_kept_with_a_warning_that_whatsapp_will_not_work() -> None:
    number, warning = values.phone("0562639472")
    assert number == "+62562639472"
    assert warning and "seluler" in warning


def test_blank_phone_is_no_number_and_no_warning() -> None:
    assert values.phone("  ") == (None, None)


@pytest.mark.parametrize(("raw", "expected"), [
    ("0812 3456 7890 / 0813 1111 2222", "+6281234567890"),
    ("081234567890 atau 085245678901", "+6281234567890"),
    ("0812-1111-2222 / 0813-3333-4444", "+6281211112222"),
    ("0812-1111-2222\n0813-3333-4444", "+6281211112222"),
    ("081234567890 atau 0812 3456", "+6281234567890"),  # the second is too short to be a number
])
def test_two_numbers_give_the_first_and_a_warning_that_two_were_given(raw: str, expected: str) -> None:
    number, warning = values.phone(raw)
    assert number == expected
    assert warning and "2 nomor" in warning and "pertama" in warning
    assert not any(ch.isdigit() for ch in warning.replace("2 nomor", ""))  # no number repeated


@pytest.mark.parametrize(("raw", "expected", "which"), [
    ("0813 1234 / 0812 3456 7890", "+6281234567890", "ke-2"),  # the first is not a valid number
    ("0562639472 / 0812 3456 7890", "+6281234567890", "ke-2"),  # the first is a landline
])
def test_the_first_usable_mobile_number_is_used_and_the_warning_says_which(
    raw: str, expected: str, which: str
) -> None:
    number, warning = values.phone(raw)
    assert number == expected
    assert warning and "2 nomor" in warning and which in warning


@pytest.mark.parametrize("raw", ["08l2-3456-7890", "0812 3456 789O", "O812 3456 7890", "0812-3456-78g0"])
def test_a_letter_typed_for_a_digit_is_no_number_at_all(raw: str) -> None:
    """Read as digits only, it would be another person's number: the link and message would go to a stranger."""
    number, warning = values.phone(raw)
    assert number is None
    assert warning == values.LETTER_IN_PHONE


def test_a_valid_number_beside_junk_is_used_with_a_warning() -> None:
    number, warning = values.phone("081234567890 atau 0812-ABC")
    assert number == "+6281234567890"
    assert warning and "periksa" in warning


@pytest.mark.parametrize(("raw", "years", "warned"), [
    ("12", 12, False), (12.0, 12, False), ("12 tahun", 12, False), ("7 thn", 7, False), ("7 th", 7, False),
    ("7 th.", 7, False), ("7,5", 7, False), ("7,5 tahun", 7, False), ("umur 7", 7, False), ("usia 7 tahun", 7, False),
    ("2 tahun 3 bulan", 2, False),
    ("tujuh tahun", 7, False), ("Tujuh", 7, False), ("lima belas", 15, False), ("limabelas tahun", 15, False),
    ("sebelas", 11, False), ("sepuluh thn", 10, False), ("dua puluh satu", 21, False), ("duapuluh", 20, False),
    ("seratus", 100, False), ("seratus dua puluh", 120, False), ("usia delapan belas tahun", 18, False),
    ("8 bulan", 0, True), ("delapan bulan", 0, True), ("18 bln", 1, True),
    ("sekitar 30", 30, True), ("± 15", 15, True), ("kurang lebih tiga puluh tahun", 30, True),
    ("12-13", 12, True), ("14 - 15 tahun", 14, True), ("17 atau 18", 17, True),
    ("dua belas sampai tiga belas", 12, True),
    ("kurang dari 18", 17, True), ("di bawah 18 tahun", 17, True),
    ("anaknya baru 9 th", 9, True), ("ibu 35 th, anaknya 7 th", 7, True),  # found in a sentence: the lowest
    ("12 tahun (kelas 6 SD)", 12, True), ("kelas 6 SD umur 11 th", 11, True),  # the number said in years wins
    ("anak 8 bulan, kakaknya 3 tahun", 0, True), ("2 th 6 bln, kakaknya 7", 2, True),  # months, and of "2 th 6 bln"
    ("kelas 6 SD", 6, True),  # no number in years: the lowest, flagged for staff to confirm
    ("tidak tahu", None, True), ("dewasa", None, True), ("??", None, True), ("lahir 2010", None, True),
    ("200", None, True), ("seratus lima puluh", None, True), ("dua tiga", None, True), ("puluh", None, True),
    (None, None, False), ("  ", None, False),
])
def test_ages(raw: object, years: int | None, warned: bool) -> None:
    got, warning = values.age(raw)
    assert got == years
    assert bool(warning) == warned


def test_an_unreadable_age_keeps_the_indonesian_warning() -> None:
    assert values.age("tidak tahu") == (None, "Usia korban bukan angka; mohon tanyakan kepada pelapor.")


@pytest.mark.parametrize("raw", ["umur 7 {}", "7 }", "{0} 8 bulan", "12-13 {x}"])
def test_braces_in_an_age_answer_are_only_text(raw: str) -> None:
    years, warning = values.age(raw)
    assert years is not None and warning and raw[:20] in warning


def test_an_age_in_months_is_zero_years_with_a_note_that_says_so() -> None:
    years, note = values.age("8 bulan")
    assert years == 0
    assert note and "bulan" in note and "0 tahun" in note


@pytest.mark.parametrize(("raw", "day_first", "expected"), [
    ("11/28/2026 14:03:05", False, datetime(2026, 11, 28, 14, 3, 5)),  # en_US
    ("28/11/2026 14.03.05", True, datetime(2026, 11, 28, 14, 3, 5)),  # id_ID
    ("28/11/2026 14:03:05", False, datetime(2026, 11, 28, 14, 3, 5)),  # unambiguous either way
    ("03/04/2026 10:00:00", True, datetime(2026, 4, 3, 10, 0)),
    ("03/04/2026 10:00:00", False, datetime(2026, 3, 4, 10, 0)),
    ("2026-11-28 14:03:05", True, datetime(2026, 11, 28, 14, 3, 5)),
    ("2026-11-28T14:03:05+07:00", True, datetime(2026, 11, 28, 14, 3, 5)),
    ("11/28/2026 2:03:05 PM", False, datetime(2026, 11, 28, 14, 3, 5)),
    ("28 November 2026", True, datetime(2026, 11, 28)),
    ("28 Agustus 2026 08.30", True, datetime(2026, 8, 28, 8, 30)),
    ("5 Mei 2026", True, datetime(2026, 5, 5)),
    (46354.5, True, datetime(2026, 11, 28, 12, 0)),  # a serial number, read unformatted
    (46354, True, datetime(2026, 11, 28)),
    (datetime(2026, 11, 28, 14, 3), True, datetime(2026, 11, 28, 14, 3)),
    (date(2026, 11, 28), True, datetime(2026, 11, 28)),
    ("kemarin sore", True, None),
    ("31/02/2026", True, None),
    (None, True, None),
])
def test_timestamps_in_every_form_they_arrive(raw: object, day_first: bool, expected: datetime | None) -> None:
    assert values.timestamp(raw, day_first=day_first) == expected


AREAS = {k: tuple(v) for k, v in Choices().kecamatan.items()}


@pytest.mark.parametrize(("kec", "kel", "expected_kec", "expected_kel", "warnings"), [
    ("Singkawang Tengah", "Sei Wie", "Singkawang Tengah", "Sungai Wie", 0),
    ("singkawang  barat", "pasiran", "Singkawang Barat", "Pasiran", 0),
    ("Kec. Singkawang Utara", "Kel. Naram", "Singkawang Utara", "Naram", 0),
    ("Barat", "Melayu", "Singkawang Barat", "Melayu", 0),
    (None, "Roban", "Singkawang Tengah", "Roban", 1),  # filled in from the kelurahan
    ("Singkawang Barat", "Roban", "Singkawang Barat", "Roban", 1),  # mismatch flagged
    ("Singkawang Pusat", None, None, None, 1),
    ("Singkawang Timur", "Kampung Baru", "Singkawang Timur", None, 1),
    ("Di luar Kota Singkawang", "Sambas", "Di luar Kota Singkawang", "Sambas", 0),
])
def test_places(kec, kel, expected_kec, expected_kel, warnings) -> None:  # type: ignore[no-untyped-def]
    place = match_place(kec, kel, AREAS, "Di luar Kota Singkawang")
    assert (place.kecamatan, place.kelurahan, len(place.warnings)) == (expected_kec, expected_kel, warnings)


def test_text_drops_control_characters_and_blank_is_none() -> None:
    assert values.text("  a\x00b\x1f ") == "ab"
    assert values.text(" \t ") is None
    assert values.text(5.0) == "5"
