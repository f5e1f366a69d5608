"""Dates as Indonesian official letters write them: `Sabtu, 28 November 2026`, month `XI`.

Letters are read by officials who expect the Indonesian forms, whatever the locale of
the machine: so nothing here uses `strftime` or the locale module.
"""

from __future__ import annotations

from datetime import date, datetime, time

MONTHS: tuple[str, ...] = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
DAYS: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # Monday first

_ROMAN: tuple[tuple[int, str], ...] = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)
ROMAN_MONTHS: tuple[str, ...] = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_label(zone: str) -> str:
    """How Indonesians name a time zone: `WIB` for Asia/Jakarta and Asia/Pontianak, `WITA`, `WIT`; else its name."""
    return ZONE_LABELS.get(zone, zone)


def month_name(year: int, month: int) -> str:
    """`November 2026`."""
    return f"{MONTHS[month - 1]} {year}"


def long_date(day: date) -> str:
    """`28 November 2026`: no leading zero, month spelled out."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def day_name(day: date) -> str:
    return DAYS[day.weekday()]


def day_and_date(day: date) -> str:
    """`Sabtu, 28 November 2026`, as the `Untuk`/`Waktu` line of a Surat Tugas says it."""
    return f"{day_name(day)}, {long_date(day)}"


def clock_time(moment: time, zone_label: str = "WIB") -> str:
    """`09.00 WIB`: Indonesian writes a dot between hours and minutes."""
    text = f"{moment.hour:02d}.{moment.minute:02d}"
    return f"{text} {zone_label}" if zone_label else text


def short_moment(moment: datetime, zone_label: str = "WIB") -> str:
    """`30 Nov 2026 10.03 WIB`, as the sheet shows a time (month cut to three letters: `Agu`, `Des`)."""
    return f"{moment.day} {MONTHS[moment.month - 1][:3]} {moment.year} {clock_time(moment.time(), zone_label)}"


def roman(number: int) -> str:
    """Roman numerals for 1..3999 (letter numbers carry the month as `XI`)."""
    if not 1 <= number <= 3999:
        raise ValueError(f"Roman numerals cover 1..3999, got {number}")
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def roman_month(month: int) -> str:
    if not 1 <= month <= 12:
        raise ValueError(f"a month is 1..12, got {month}")
    return ROMAN_MONTHS[month - 1]


def month_from_roman(text: str) -> int | None:
    """The month of `XI` (any case, surrounding blanks ignored); None if not a month."""
    key = text.strip().upper()
    return ROMAN_MONTHS.index(key) + 1 if key in ROMAN_MONTHS else None
