"""Cell values beyond text — date cells and links — and the one comparison a cycle makes.

A time is written as a date cell (a number the spreadsheet shows as "30 Nov 2026 10.03"),
so staff can sort and filter by it and the sheet itself can compare it with NOW(). It
is read back as a datetime (openpyxl) or as that number (Google): `same` compares
either with what the worker wants to show, to the second, and treats a time still
written as text (an older worker's) as different, so that it is rewritten once as a
date cell. A link is compared by the text it shows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rules import values
from sync.stores.store import Link, Value
from sync.stores.text import cell_text

EPOCH = datetime(1899, 12, 30)  # day 0 of spreadsheet dates

# Number formats: Indonesian month names (LCID 0421 on the local workbook; on Google the
# spreadsheet's locale names them), and "10.03" for a time of day as Indonesians write it.
LOCAL_MOMENT = '[$-421]d mmm yyyy hh"."mm "WIB"'
LOCAL_DAY = "[$-421]d mmm yyyy"
GOOGLE_MOMENT = 'd mmm yyyy hh"."mm "WIB"'
GOOGLE_DAY = "d mmm yyyy"


def serial(moment: date) -> float:
    """A naive office time (or a date) as a spreadsheet date number (days since 1899-12-30)."""
    start = moment if isinstance(moment, datetime) else datetime(moment.year, moment.month, moment.day)
    return round((start - EPOCH) / timedelta(days=1), 8)


def seconds(cell: object) -> int | None:
    """A date cell as read — a datetime or date (openpyxl) or its number (Google) — in whole
    seconds since the spreadsheet epoch; None for text and blanks."""
    if isinstance(cell, datetime):
        return round(((cell if cell.tzinfo is None else cell.replace(tzinfo=None)) - EPOCH).total_seconds())
    if isinstance(cell, date):
        return round((datetime(cell.year, cell.month, cell.day) - EPOCH).total_seconds())
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return round(float(cell) * 86400)
    return None


def same(cell: object, wanted: Value) -> bool:
    """Does a cell as read already show `wanted`? The only comparison a cycle makes."""
    if cell == wanted and (wanted is None or wanted.__class__ is str):  # most cells of a cycle: nothing to clean
        return True
    if isinstance(wanted, date):
        return seconds(cell) == seconds(wanted)
    if isinstance(wanted, Link):
        return cell_text(cell) == cell_text(wanted.text)
    return cell_text(cell) == cell_text(wanted)


def moment(cell: object) -> datetime | str | None:
    """A time the worker wrote, to be written back: a date cell when it can be read, else its text."""
    if cell_text(cell) is None:
        return None
    parsed = values.timestamp(cell, day_first=True)
    return to_second(parsed) if parsed is not None else cell_text(cell)


def to_second(moment: datetime) -> datetime:
    """Rounded to the second: a date cell read back may be a few microseconds off."""
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0)


def day(cell: object) -> date | str | None:
    """A date the worker wrote (a letter's date), to be written back as a date cell."""
    found = moment(cell)
    return found.date() if isinstance(found, datetime) else found
