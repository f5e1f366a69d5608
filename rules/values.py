"""Reading single answers: phone numbers, ages, dates, timestamps, checkbox lists.

Cells arrive as whatever the store read: text typed in any locale, real date cells
(datetime), or spreadsheet serial numbers (Google's unformatted values). Each reader
returns the value, or None plus an Indonesian warning for the staff.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import phonenumbers

from rules import numbers_id

Cell = object  # str | int | float | datetime | date | bool | None, as a store reads it

_SHEETS_EPOCH = datetime(1899, 12, 30)  # day 0 of Google Sheets and Excel serial dates
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def text(cell: Cell) -> str | None:
    """The answer as trimmed text, None when blank. Control characters are dropped."""
    if type(cell) is str:  # most answers: checked first
        value = (cell if cell.isprintable() else _CONTROL.sub("", cell)).strip()
        return value or None
    if cell is None or isinstance(cell, bool):
        return None if cell is None else ("Ya" if cell else "Tidak")
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    raw = str(cell)
    value = (raw if raw.isprintable() else _CONTROL.sub("", raw)).strip()  # printable: no control character
    return value or None


def normalize(value: str) -> str:
    """A comparison key: case, accents and runs of spaces do not matter."""
    if value.isascii():  # most answers: nothing to decompose, no accent to drop
        return _SPACES.sub(" ", value).strip().casefold()
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain).strip().casefold()


# --- phone numbers ---------------------------------------------------------------

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def phone(cell: Cell) -> tuple[str | None, str | None]:
    """An Indonesian mobile number in E.164 (`+6281234567890`), or a warning.

    An answer holding several numbers ("0812… / 0813…") gives the first valid
    Indonesian mobile number, with a warning that says how many were given.
    """
    raw = text(cell)
    if raw is None:
        return None, None
    return _phone(raw)


@lru_cache(maxsize=1 << 16)
def _phone(raw: str) -> tuple[str | None, str | None]:
    """`phone` of a non-blank answer: read once per distinct answer (every case is read every cycle)."""
    if _ONE_CANDIDATE.fullmatch(raw):
        return _one_phone(raw)
    if _LETTER_IN_NUMBER.search(raw):
        return None, LETTER_IN_PHONE
    return numbers_in(raw)


# A letter written against a digit ("08l2-…", "…789O"): a letter typed for a digit. Read as digits only,
# such an answer becomes another person's number, so it is not read at all: staff ask the reporter.
_LETTER_IN_NUMBER = re.compile(r"\d[^\W\d_]|[^\W\d_]\d")
LETTER_IN_PHONE = ("Nomor WhatsApp pelapor memuat huruf di antara angkanya (mis. 'l' atau 'O' untuk 1 atau 0); "
                   "tidak dibuat tautan WhatsApp agar pesan tidak terkirim ke orang lain. Pastikan nomornya "
                   "dengan pelapor.")


@lru_cache(maxsize=1 << 16)
def is_mobile(e164: str) -> bool:
    """Can the number receive WhatsApp: an Indonesian mobile number, or any valid number abroad.
    Asked for every case every cycle (the WhatsApp link): remembered, as a number's kind never changes."""
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return False
    if number.country_code != 62:
        return phonenumbers.is_valid_number(number)
    return phonenumbers.number_type(number) in _MOBILE_TYPES


# Digits, perhaps after a plus and in groups joined by single hyphens ("0812-3456-7890"): the number
# matcher takes such an answer whole, or finds nothing in it (it splits a candidate only at a space,
# a slash, a dot, a bracket or a wide hyphen), so it never finds two numbers and `numbers_in` reads
# it as `_one_phone` does. Checked against `numbers_in` in tests/test_fast_paths.py.
_ONE_CANDIDATE = re.compile(r"\+?[0-9]{1,15}(?:-[0-9]{1,15}){0,5}")


def numbers_in(raw: str) -> tuple[str | None, str | None]:
    """`phone` of a non-blank answer, reading every number the reporter wrote in it."""
    found = [m.raw_string for m in phonenumbers.PhoneNumberMatcher(raw, "ID", leniency=_ANY_NUMBER)]
    whole = _one_phone(raw)
    if len(found) >= 2:
        return _first_usable(found)
    if whole[0] is None and found and _one_phone(found[0])[0] is not None:
        number, problem = _one_phone(found[0])
        note = "Jawaban nomor WhatsApp pelapor memuat isian lain selain nomor ini; mohon periksa."
        return number, " ".join(filter(None, (note, problem)))
    return whole


_ANY_NUMBER = phonenumbers.Leniency.POSSIBLE  # count every number the reporter wrote, valid or not


def _first_usable(found: list[str]) -> tuple[str | None, str | None]:
    """Of several numbers, the first valid Indonesian mobile one (else the first callable one)."""
    readings = [_one_phone(f) for f in found]
    mobile = [i for i, (number, problem) in enumerate(readings) if number and problem is None]
    callable_ = [i for i, (number, _) in enumerate(readings) if number]
    given = f"Pelapor menuliskan {len(found)} nomor"
    if not callable_:
        return None, f"{given}, tetapi tidak ada yang valid; mohon periksa."
    chosen = (mobile or callable_)[0]
    which = "nomor pertama" if chosen == 0 else f"nomor ke-{chosen + 1} (nomor seluler pertama yang valid)"
    number, problem = readings[chosen]
    return number, " ".join(filter(None, (f"{given}; tautan WhatsApp memakai {which}.", problem)))


def _one_phone(raw: str) -> tuple[str | None, str | None]:
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

_N = r"(\d{1,3}(?:[.,]\d+)?)"
_YEARS = re.compile(rf"{_N}(?: tahun)?(?: \d{{1,2}} bulan)?")  # "7", "7 th", "7,5", "2 tahun 3 bulan"
_MONTHS = re.compile(rf"{_N} bulan")
_RANGE = re.compile(rf"{_N}(?: tahun)? (?:-|–|/|s / d|sd|sampai|hingga|atau|ke) {_N}(?: tahun)?")
_UNDER = re.compile(rf"(?:kurang dari|di bawah|dibawah|belum|<) {_N}(?: tahun)?")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+|[^\sa-z\d.]")
_APPROXIMATE = re.compile(r"\b(?:sekitar|kurang lebih|lebih kurang|kira[- ]?kira|kurleb)\b|±|\+ ?/? ?-|~")
_NEUTRAL = frozenset({"umur", "usia", "berusia", "berumur"})
_UNITS = {"tahun": "tahun", "thn": "tahun", "th": "tahun", "tahunan": "tahun", "thun": "tahun",
          "taun": "tahun", "bulan": "bulan", "bln": "bulan"}
UNREADABLE_AGE = "Usia korban bukan angka; mohon tanyakan kepada pelapor."


def age(cell: Cell) -> tuple[int | None, str | None]:
    """Age in whole years, from digits or Indonesian words; a note when it is only a reading.

    Babies' ages in months count in whole years (`8 bulan` is 0). A range or a sentence
    holding several numbers gives the lowest: an uncertain age never makes a child an adult.
    """
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _plausible(int(cell), text(cell) or "", None)
    raw = text(cell)
    if raw is None:
        return None, None
    phrase, approximate = _age_phrase(raw)
    if found := _YEARS.fullmatch(phrase):
        return _plausible(_whole(found.group(1)), raw, "read" if approximate else None)
    if found := _MONTHS.fullmatch(phrase):
        return _plausible(_whole(found.group(1)) // 12, raw, "months")
    if found := _RANGE.fullmatch(phrase):
        return _plausible(min(_whole(n) for n in found.groups()), raw, "range")
    if found := _UNDER.fullmatch(phrase):
        return _plausible(max(_whole(found.group(1)) - 1, 0), raw, "read")
    return _lowest_number(phrase, raw)


def _age_phrase(raw: str) -> tuple[str, bool]:
    """The answer as spaced tokens, number words as digits and fillers dropped; and
    whether the reporter said the age was only approximate ("sekitar 30")."""
    lowered = numbers_id.split_words(normalize(raw))
    approximate = bool(_APPROXIMATE.search(lowered))
    tokens = _TOKEN.findall(_APPROXIMATE.sub(" ", lowered))
    words = [_UNITS.get(t, t) for t in _spelled_as_digits(tokens) if t not in _NEUTRAL]
    return " ".join(words), approximate


def _spelled_as_digits(tokens: list[str]) -> list[str]:
    """Each run of Indonesian number words replaced by its digits when it reads as a number."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if token in numbers_id.WORDS:
            run.append(token)
            continue
        value = numbers_id.spelled_number(run) if run else None
        out += [str(value)] if value is not None else run
        run = []
        if token:
            out.append(token)
    return out


def _lowest_number(phrase: str, raw: str) -> tuple[int | None, str | None]:
    """A sentence that holds numbers: those said in years or months win ("12 tahun (kelas 6 SD)" is 12,
    not 6), then the lowest ("ibu 35 th, anaknya 7 th" is 7), flagged for staff to confirm."""
    tokens = phrase.split()
    numbers = [_whole(t) for t in tokens if re.fullmatch(_N, t)]
    if not numbers:
        return None, UNREADABLE_AGE
    with_unit = [  # "N tahun" in years, "N bulan" in whole years, but the months of "2 tahun 6 bulan"
        _whole(t) // (12 if unit == "bulan" else 1)
        for before, t, unit in zip(["", *tokens], tokens, [*tokens[1:], ""], strict=False)
        if re.fullmatch(_N, t) and (unit == "tahun" or (unit == "bulan" and before != "tahun"))
    ]
    if with_unit:
        return _plausible(min(with_unit), raw, "read")
    years = min(numbers)
    if "bulan" in tokens and "tahun" not in tokens:
        years //= 12
    return _plausible(years, raw, "read")


def _whole(number: str) -> int:
    return int(float(number.replace(",", ".")))


_AGE_NOTES = {
    "read": "Usia korban dibaca sebagai {years} tahun dari jawaban '{raw}'; mohon pastikan.",
    "months": "Usia korban ditulis dalam bulan ('{raw}'); dicatat {years} tahun.",
    "range": "Usia korban ditulis sebagai rentang ('{raw}'); dicatat usia terendah, {years} tahun; mohon pastikan.",
}


def _plausible(years: int, raw: str, note: str | None) -> tuple[int | None, str | None]:
    """The age when it can be one, with the note of how it was read (a key of _AGE_NOTES)."""
    if 0 <= years <= 120:
        return years, _AGE_NOTES[note].format(years=years, raw=raw[:40]) if note else None
    return None, f"Usia korban '{raw[:20]}' tidak masuk akal; mohon periksa."


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
        return cell if cell.tzinfo is None else cell.replace(tzinfo=None)
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


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
