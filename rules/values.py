"""Reading single answers: phone numbers, ages, dates, timestamps, checkbox lists.

Cells arrive as whatever the store read: text typed in any locale, real date cells
(datetime), or spreadsheet serial numbers (Google's unformatted values). Each reader
returns the value, or None plus an Indonesian warning for the staff.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import phonenumbers

Cell = object  # str | int | float | datetime | date | bool | None, as a store reads it

_SHEETS_EPOCH = datetime(1899, 12, 30)  # day 0 of Google Sheets and Excel serial dates
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def text(cell: Cell) -> str | None:
    """The answer as trimmed text, None when blank. Control characters are dropped."""
    if cell is None or isinstance(cell, bool):
        return None if cell is None else ("Ya" if cell else "Tidak")
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    value = _CONTROL.sub("", str(cell)).strip()
    return value or None


def normalize(value: str) -> str:
    """A comparison key: case, accents and runs of spaces do not matter."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain).strip().casefold()


# --- phone numbers ---------------------------------------------------------------

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def phone(cell: Cell) -> tuple[str | None, str | None]:
    """An Indonesian mobile number in E.164 (`+6281234567890`), or a warning."""
    raw = text(cell)
    if raw is None:
        return None, None
    digits = re.sub(r"[^\d+]", "", raw)
    if digits.startswith("8"):  # written without the trunk 0: 812-3456-7890
        digits = "0" + digits
    elif digits.startswith("62"):  # country code without the plus
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        return None, "Nomor WhatsApp pelapor tidak terbaca sebagai nomor telepon; mohon periksa."
    if not phonenumbers.is_valid_number(number):
        return None, "Nomor WhatsApp pelapor tidak valid; mohon periksa."
    if number.country_code != 62:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return e164, "Nomor WhatsApp pelapor bukan nomor Indonesia; periksa sebelum menghubungi."
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return e164, "Nomor pelapor bukan nomor seluler; tidak dapat dihubungi lewat WhatsApp."
    return e164, None


# --- ages --------------------------------------------------------------------------

_AGE_ONLY = re.compile(r"^(\d{1,3})\s*(tahun|thn|th|thn\.|th\.|tahunan)?\.?$", re.IGNORECASE)
_MONTHS_OLD = re.compile(r"(\d{1,2})\s*(bulan|bln)", re.IGNORECASE)
_FIRST_NUMBER = re.compile(r"\d{1,3}")


def age(cell: Cell) -> tuple[int | None, str | None]:
    """Age in whole years. Babies' ages in months count as 0 years."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        years = int(cell)
        if 0 <= years <= 120:
            return years, None
        return None, f"Usia korban '{text(cell)}' tidak masuk akal; mohon periksa."
    raw = text(cell)
    if raw is None:
        return None, None
    exact = _AGE_ONLY.match(raw)
    if exact:
        years = int(exact.group(1))
        if years <= 120:
            return years, None
        return None, f"Usia korban '{raw[:20]}' tidak masuk akal; mohon periksa."
    if _MONTHS_OLD.search(raw) and "tahun" not in raw.casefold():
        return 0, None
    found = _FIRST_NUMBER.search(raw)
    if found and int(found.group()) <= 120:
        years = int(found.group())
        return years, f"Usia korban dibaca sebagai {years} tahun dari jawaban '{raw[:40]}'; mohon pastikan."
    return None, "Usia korban bukan angka; mohon tanyakan kepada pelapor."


# --- dates and timestamps ---------------------------------------------------------

_MONTH_NAMES = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "february": 2, "pebruari": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}
_NUMERIC = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:[.,]\d+)?\s*([AaPp][Mm])?)?$"
)
_WORDS = re.compile(
    r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})(?:[ ,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)


def from_serial(serial: float) -> datetime:
    """A spreadsheet serial number (days since 1899-12-30) as a naive datetime."""
    moment = _SHEETS_EPOCH + timedelta(days=serial)
    return moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))


def timestamp(cell: Cell, *, day_first: bool) -> datetime | None:
    """A date and time as the form or a person wrote it, or None if unreadable.

    `day_first` settles `03/04/2026`: True for the id_ID locale (28/11/2026), False
    for en_US (11/28/2026). A part above 12 settles it whatever the locale.
    """
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)
    if isinstance(cell, date):
        return datetime(cell.year, cell.month, cell.day)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return from_serial(float(cell)) if 1 <= cell < 2958466 else None
    raw = text(cell)
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=None)
    except ValueError:
        pass
    numeric = _NUMERIC.match(raw)
    if numeric:
        return _numeric_datetime(numeric.groups(), day_first)
    words = _WORDS.match(raw)
    if words:
        day, month_name, year, hour, minute, second = words.groups()
        month = _MONTH_NAMES.get(month_name.casefold())
        if month is None:
            return None
        return _make(int(year), month, int(day), hour, minute, second, None)
    return None


def _numeric_datetime(parts: tuple[str | None, ...], day_first: bool) -> datetime | None:
    a, b, c, hour, minute, second, ampm = parts
    assert a is not None and b is not None and c is not None
    if len(a) == 4:  # 2026/11/28
        year, month, day = int(a), int(b), int(c)
    else:
        first, second_part, year = int(a), int(b), int(c)
        if year < 100:
            year += 2000
        if first > 12 or (day_first and second_part <= 12):
            day, month = first, second_part
        else:
            month, day = first, second_part
    return _make(year, month, day, hour, minute, second, ampm)


def _make(
    year: int, month: int, day: int,
    hour: str | None, minute: str | None, second: str | None, ampm: str | None,
) -> datetime | None:
    h = int(hour) if hour else 0
    if ampm:
        h = h % 12 + (12 if ampm.casefold() == "pm" else 0)
    try:
        return datetime(year, month, day, h, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def calendar_date(cell: Cell, *, day_first: bool) -> date | None:
    moment = timestamp(cell, day_first=day_first)
    return moment.date() if moment else None


# --- choices -----------------------------------------------------------------------


def choice_key(cell: Cell, labels: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The key of a single-choice answer (`labels`: key -> label), or (None, raw)."""
    raw = text(cell)
    if raw is None:
        return None, None
    wanted = normalize(raw)
    for key, label in labels.items():
        if normalize(label) == wanted or normalize(key) == wanted:
            return key, None
    return None, raw


def checkbox_keys(cell: Cell, labels: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Keys of the ticked boxes, and any text that matched no label ("Lainnya: ...").

    Google joins ticked labels with ", ". Labels that themselves hold ", " are found
    first, so that they are not split apart.
    """
    raw = text(cell)
    if raw is None:
        return (), ()
    rest = raw
    keys: list[str] = []
    for key, label in sorted(labels.items(), key=lambda kv: -len(kv[1])):
        if ", " in label and label in rest:
            keys.append(key)
            rest = rest.replace(label, "")
    other: list[str] = []
    for part in rest.split(","):
        piece = part.strip()
        if not piece:
            continue
        found, unmatched = choice_key(piece, labels)
        if found is not None:
            keys.append(found)
        elif unmatched:
            other.append(unmatched)
    if other and "lainnya" in labels:
        keys.append("lainnya")
    ordered = [k for k in labels if k in keys]
    return tuple(ordered), tuple(other)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
