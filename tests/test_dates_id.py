"""Indonesian dates as letters write them."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.dates_id import (
    DAYS,
    MONTHS,
    clock_time,
    day_and_date,
    day_name,
    long_date,
    month_from_roman,
    roman,
    roman_month,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 28), "28 November 2026"),
        (date(2026, 1, 5), "5 Januari 2026"),
        (date(2027, 2, 1), "1 Februari 2027"),
        (date(2026, 8, 17), "17 Agustus 2026"),
        (date(2026, 12, 31), "31 Desember 2026"),
    ],
)
def test_long_date(day: date, expected: str) -> None:
    assert long_date(day) == expected


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 11, 23), "Senin"),
        (date(2026, 11, 24), "Selasa"),
        (date(2026, 11, 25), "Rabu"),
        (date(2026, 11, 26), "Kamis"),
        (date(2026, 11, 27), "Jumat"),
        (date(2026, 11, 28), "Sabtu"),
        (date(2026, 11, 29), "Minggu"),
    ],
)
def test_day_names(day: date, name: str) -> None:
    assert day_name(day) == name


def test_day_and_date_and_clock_time() -> None:
    assert day_and_date(date(2026, 11, 30)) == "Senin, 30 November 2026"
    assert clock_time(time(9, 5)) == "09.05 WIB"
    assert clock_time(time(14, 30), "WITA") == "14.30 WITA"
    assert clock_time(time(7, 0), "") == "07.00"


def test_roman_month_numerals() -> None:
    assert [roman_month(m) for m in range(1, 13)] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ]
    assert roman(2026) == "MMXXVI"
    assert roman(3999) == "MMMCMXCIX"
    assert roman(49) == "XLIX"


@pytest.mark.parametrize("bad", [0, 13, -1])
def test_roman_month_rejects_a_non_month(bad: int) -> None:
    with pytest.raises(ValueError, match="month"):
        roman_month(bad)


def test_roman_rejects_out_of_range() -> None:
    with pytest.raises(ValueError):
        roman(0)
    with pytest.raises(ValueError):
        roman(4000)


def test_month_from_roman_reads_back_any_case() -> None:
    assert month_from_roman(" xi ") == 11
    assert month_from_roman("XII") == 12
    assert month_from_roman("XIII") is None
    assert month_from_roman("") is None
    assert month_from_roman("IIII") is None


@given(st.dates())
def test_every_date_reads_in_indonesian(day: date) -> None:
    text = long_date(day)
    number, month, year = text.split(" ")
    assert (int(number), MONTHS.index(month) + 1, int(year)) == (day.day, day.month, day.year)
    assert day_name(day) in DAYS
    assert month_from_roman(roman_month(day.month)) == day.month


def test_zone_labels_and_month_names() -> None:
    from rules.dates_id import month_name, zone_label

    assert [zone_label(z) for z in ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura", "UTC")] == [
        "WIB", "WIB", "WITA", "WIT", "UTC"]
    assert month_name(2026, 11) == "November 2026"
