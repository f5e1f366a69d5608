"""Cell values: how typed input is stored, and how stored values are rendered.

``USER_ENTERED`` input is parsed as if a person typed it (formulas, numbers,
percentages, dates, booleans, a leading apostrophe for forced text); ``RAW``
input is stored as given, so a string starting with ``=`` stays a string.
Rendering follows the ``valueRenderOption``/``dateTimeRenderOption`` rules and
the spreadsheet locale (``en_US`` writes ``1,234.5``, ``id_ID`` writes ``1.234,5``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

EPOCH = dt.datetime(1899, 12, 30)
MAX_CELL_CHARS = 50_000
TOO_LONG = f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell."


@dataclass(frozen=True)
class Locale:
    group: str
    decimal: str
    date_order: str  # "MDY" or "DMY"
    date_pattern: str
    datetime_pattern: str
    time_pattern: str


LOCALES: dict[str, Locale] = {
    "en_US": Locale(",", ".", "MDY", "m/d/yyyy", "m/d/yyyy h:mm:ss", "h:mm:ss AM/PM"),
    "en_GB": Locale(",", ".", "DMY", "dd/mm/yyyy", "dd/mm/yyyy hh:mm:ss", "hh:mm:ss"),
    "id_ID": Locale(".", ",", "DMY", "dd/mm/yyyy", "dd/mm/yyyy hh:mm:ss", "hh.mm.ss"),
    "fr_FR": Locale("\u202f", ",", "DMY", "dd/mm/yyyy", "dd/mm/yyyy hh:mm:ss", "hh:mm:ss"),
}


def locale_of(name: str | None) -> Locale:
    return LOCALES.get(name or "en_US", LOCALES["en_US"])


# Locales whose decimal separator is a comma, among those Google offers (File > Settings > Locale): a
# formula there separates arguments with `;` (formulas.py). Others, and unknown ones, write 1.5.
DECIMAL_COMMA_LOCALES = frozenset({
    "id_ID", "de_DE", "de_AT", "tr_TR", "sv_SE", "nl_NL", "nl_BE", "fr_FR", "fr_CA", "es_ES", "es_AR",
    "es_CO", "es_CL", "it_IT", "pt_BR", "pt_PT", "ru_RU", "pl_PL", "da_DK", "nb_NO", "fi_FI", "cs_CZ",
    "uk_UA", "vi_VN",
})


def decimal_comma(name: str | None) -> bool:
    """Does the spreadsheet's locale write 1,5 (and so separate a formula's arguments with `;` only)?"""
    return (name or "en_US") in DECIMAL_COMMA_LOCALES or locale_of(name).decimal == ","


ERROR_TEXT: dict[str, str] = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}


def num_out(value: float | int) -> float | int:
    """Numbers as Google's JSON writes them: ``2`` rather than ``2.0``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def too_long(text: str) -> bool:
    return len(text) > MAX_CELL_CHARS


# --------------------------------------------------------------------------- input


def raw_value(value: Any) -> dict[str, Any] | None:
    """ExtendedValue for ``RAW`` input; None clears the cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    text = str(value)
    if text == "":
        return None
    return {"stringValue": text}


@dataclass(frozen=True)
class Parsed:
    """A parsed typed input: the value and the number format Google would suggest."""

    value: dict[str, Any] | None
    number_format: dict[str, str] | None = None


def _number_regex(loc: Locale) -> re.Pattern[str]:
    g = re.escape(loc.group)
    d = re.escape(loc.decimal)
    return re.compile(
        rf"^(?P<sign>[+-]?)(?P<cur>\$?)(?P<int>\d{{1,3}}(?:{g}\d{{3}})+|\d*)"
        rf"(?:{d}(?P<frac>\d+))?(?P<exp>[eE][+-]?\d+)?(?P<pct>%?)$"
    )


_DATE_ISO = re.compile(
    r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?$"
)
_DATE_LOCAL = re.compile(
    r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?$"
)
_TIME = re.compile(r"^(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ap>[AaPp][Mm]))?$")


def to_serial(moment: dt.datetime | dt.date) -> float:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000


def from_serial(serial: float) -> dt.datetime:
    whole = math.floor(serial)
    seconds = round((serial - whole) * 86400)
    return EPOCH + dt.timedelta(days=whole, seconds=seconds)


def _date_input(text: str, loc: Locale) -> Parsed | None:
    m = _DATE_ISO.match(text)
    if m:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        sep = "-" if "-" in text[:10] else "/"
        date_pattern = f"yyyy{sep}mm{sep}dd"
    else:
        m = _DATE_LOCAL.match(text)
        if not m:
            return None
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        mo, d = (a, b) if loc.date_order == "MDY" else (b, a)
        date_pattern = loc.date_pattern
    try:
        moment = dt.datetime(y, mo, d)
    except ValueError:
        return None
    if m["H"] is not None:
        hour, minute, second = int(m["H"]), int(m["M"]), int(m["S"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        moment = moment.replace(hour=hour, minute=minute, second=second)
        time_part = "hh:mm:ss" if m["S"] is not None else "hh:mm"
        return Parsed(
            {"numberValue": num_out(to_serial(moment))},
            {"type": "DATE_TIME", "pattern": f"{date_pattern} {time_part}"},
        )
    return Parsed({"numberValue": num_out(to_serial(moment))}, {"type": "DATE", "pattern": date_pattern})


def _time_input(text: str) -> Parsed | None:
    m = _TIME.match(text)
    if not m:
        return None
    hour, minute, second = int(m["H"]), int(m["M"]), int(m["S"] or 0)
    if m["ap"]:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if m["ap"].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    serial = (hour * 3600 + minute * 60 + second) / 86400
    pattern = "h:mm:ss AM/PM" if m["ap"] else ("hh:mm:ss" if m["S"] else "hh:mm")
    return Parsed({"numberValue": num_out(serial)}, {"type": "TIME", "pattern": pattern})


def _number_input(text: str, loc: Locale) -> Parsed | None:
    m = _number_regex(loc).match(text.strip())
    if not m or (not m["int"] and not m["frac"]):
        return None
    digits = m["int"].replace(loc.group, "") or "0"
    number = float(f"{digits}.{m['frac'] or '0'}{m['exp'] or ''}")
    if m["sign"] == "-":
        number = -number
    fmt: dict[str, str] | None = None
    decimals = len(m["frac"] or "")
    if m["pct"]:
        number /= 100
        fmt = {"type": "PERCENT", "pattern": "0.00%" if decimals else "0%"}
    elif m["cur"]:
        fmt = {"type": "CURRENCY", "pattern": '"$"#,##0.00'}
    elif m["exp"]:
        fmt = {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
    elif loc.group in m["int"]:
        fmt = {"type": "NUMBER", "pattern": "#,##0.00" if decimals else "#,##0"}
    return Parsed({"numberValue": num_out(number)}, fmt)


def parse_user_entered(value: Any, locale: str | None = None) -> Parsed:
    """Parse one input as Google does for ``valueInputOption=USER_ENTERED``."""
    if value is None:
        return Parsed(None)
    if isinstance(value, bool):
        return Parsed({"boolValue": value})
    if isinstance(value, (int, float)):
        return Parsed({"numberValue": num_out(value)})
    text = str(value)
    if text == "":
        return Parsed(None)
    if text.startswith("'"):
        rest = text[1:]
        return Parsed({"stringValue": rest} if rest else None)
    if text.startswith("=") and len(text) > 1:
        return Parsed({"formulaValue": text})
    upper = text.strip().upper()
    if upper in ("TRUE", "FALSE"):
        return Parsed({"boolValue": upper == "TRUE"})
    loc = locale_of(locale)
    for parser in (_number_input,):
        parsed = parser(text, loc)
        if parsed:
            return parsed
    parsed = _date_input(text.strip(), loc) or _time_input(text.strip())
    if parsed:
        return parsed
    return Parsed({"stringValue": text})


def python_value(value: Any, locale: str | None = None) -> Parsed:
    """Input given by a test helper: Python types keep their type; text is stored as text."""
    loc = locale_of(locale)
    if isinstance(value, dt.datetime):
        return Parsed(
            {"numberValue": num_out(to_serial(value))}, {"type": "DATE_TIME", "pattern": loc.datetime_pattern}
        )
    if isinstance(value, dt.date):
        return Parsed({"numberValue": num_out(to_serial(value))}, {"type": "DATE", "pattern": loc.date_pattern})
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return Parsed({"formulaValue": value})
    return Parsed(raw_value(value))


def extended_text_length(value: dict[str, Any] | None) -> int:
    if not value:
        return 0
    for key in ("stringValue", "formulaValue"):
        if key in value:
            return len(value[key])
    return 0


# ---------------------------------------------------------------------- rendering


def _general(number: float, loc: Locale) -> str:
    if number == 0:
        return "0"
    if abs(number) >= 1e15 or abs(number) < 1e-9:
        mantissa, exponent = f"{number:.14E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}E{int(exponent):+03d}"
    elif float(number).is_integer():
        text = str(int(number))
    else:
        text = f"{round(number, 10):.10f}".rstrip("0").rstrip(".")
    return text.replace(".", loc.decimal)


def _group_digits(digits: str, group: str) -> str:
    parts: list[str] = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return group.join(parts)


_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|AM/PM|\"[^\"]*\"|.", re.S)


_DATE_CODES = frozenset(
    {"yyyy", "yy", "mmmm", "mmm", "mm", "m", "dddd", "ddd", "dd", "d", "hh", "h", "ss", "s", "am/pm"}
)


@functools.lru_cache(maxsize=256)
def _date_tokens(pattern: str) -> tuple[tuple[str, str], ...]:
    """(token, code) pairs; code is "" for literals and "min"/"mm-min" for minutes."""
    tokens = _DATE_TOKEN.findall(pattern)
    codes = [t.lower() if t.lower() in _DATE_CODES else "" for t in tokens]
    out = []
    for i, (token, code) in enumerate(zip(tokens, codes, strict=True)):
        if code in ("m", "mm"):
            before = next((c for c in reversed(codes[:i]) if c), "")
            after = next((c for c in codes[i + 1 :] if c), "")
            if before in ("h", "hh") or after in ("s", "ss"):
                code = "mm-min" if code == "mm" else "m-min"
        out.append((token, code))
    return tuple(out)


def _date_part(moment: dt.datetime, code: str, token: str, twelve_hour: bool) -> str:
    hour = (moment.hour % 12 or 12) if twelve_hour else moment.hour
    if code == "yyyy":
        return f"{moment.year:04d}"
    if code == "yy":
        return f"{moment.year % 100:02d}"
    if code == "mmmm":
        return moment.strftime("%B")
    if code == "mmm":
        return moment.strftime("%b")
    if code == "mm":
        return f"{moment.month:02d}"
    if code == "m":
        return str(moment.month)
    if code == "mm-min":
        return f"{moment.minute:02d}"
    if code == "m-min":
        return str(moment.minute)
    if code == "dddd":
        return moment.strftime("%A")
    if code == "ddd":
        return moment.strftime("%a")
    if code == "dd":
        return f"{moment.day:02d}"
    if code == "d":
        return str(moment.day)
    if code == "hh":
        return f"{hour:02d}"
    if code == "h":
        return str(hour)
    if code == "ss":
        return f"{moment.second:02d}"
    if code == "s":
        return str(moment.second)
    text = "AM" if moment.hour < 12 else "PM"  # am/pm
    return text.lower() if token == "am/pm" else text


def _format_date(number: float, pattern: str) -> str:
    moment = from_serial(number)
    tokens = _date_tokens(pattern)
    twelve_hour = any(code == "am/pm" for _, code in tokens)
    out: list[str] = []
    for token, code in tokens:
        if code:
            out.append(_date_part(moment, code, token, twelve_hour))
        elif token.startswith('"'):
            out.append(token[1:-1])
        else:
            out.append(token)
    return "".join(out)


def _format_number_pattern(number: float, pattern: str, loc: Locale) -> str:
    section = pattern.split(";")[0]
    literal_prefix = re.match(r'^((?:"[^"]*"|[^0#?.,%])*)', section)
    prefix = literal_prefix.group(1) if literal_prefix else ""
    core_and_suffix = section[len(prefix) :]
    core_match = re.match(r"^([0#?,]*(?:\.[0#?]*)?)(.*)$", core_and_suffix)
    core = core_match.group(1) if core_match else ""
    suffix = core_match.group(2) if core_match else ""
    if "E+" in suffix.upper():
        decimals = len(core.split(".")[1]) if "." in core else 0
        return f"{number:.{decimals}E}".replace(".", loc.decimal)
    value = number * 100 if "%" in suffix else number
    decimals = len(core.split(".")[1]) if "." in core else 0
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if "," in core.split(".")[0]:
        whole = _group_digits(whole, loc.group)
    body = whole + (loc.decimal + frac if frac else "")
    sign = "-" if value < 0 and float(text) != 0 else ""
    return f"{sign}{_literal(prefix)}{body}{_literal(suffix)}"


def _literal(text: str) -> str:
    """Pattern literals: quoted text loses its quotes, escapes lose their backslash."""
    return re.sub(r'"([^"]*)"', r"\1", text).replace("\\", "")


_DATE_TYPES = ("DATE", "TIME", "DATE_TIME")


def is_date_format(number_format: dict[str, Any] | None) -> bool:
    return number_format is not None and number_format.get("type") in _DATE_TYPES


def default_pattern(kind: str, loc: Locale) -> str:
    return {
        "DATE": loc.date_pattern,
        "TIME": loc.time_pattern,
        "DATE_TIME": loc.datetime_pattern,
        "NUMBER": "#,##0.00",
        "PERCENT": "0.00%",
        "CURRENCY": '"$"#,##0.00',
        "SCIENTIFIC": "0.00E+00",
    }.get(kind, "")


def format_number(number: float, number_format: dict[str, Any] | None, locale: str | None) -> str:
    loc = locale_of(locale)
    plain = not number_format or number_format.get("type") in (None, "TEXT", "NUMBER_FORMAT_TYPE_UNSPECIFIED")
    if plain and not (number_format or {}).get("pattern"):
        return _general(number, loc)
    kind = number_format.get("type", "NUMBER")  # type: ignore[union-attr]
    pattern = number_format.get("pattern") or default_pattern(kind, loc)  # type: ignore[union-attr]
    if kind in _DATE_TYPES:
        return _format_date(number, pattern)
    if not pattern:
        return _general(number, loc)
    return _format_number_pattern(number, pattern, loc)


def formatted_value(
    effective: dict[str, Any] | None, number_format: dict[str, Any] | None, locale: str | None
) -> str | None:
    if not effective:
        return None
    if "stringValue" in effective:
        return str(effective["stringValue"])
    if "boolValue" in effective:
        return "TRUE" if effective["boolValue"] else "FALSE"
    if "numberValue" in effective:
        return format_number(effective["numberValue"], number_format, locale)
    if "errorValue" in effective:
        return ERROR_TEXT.get(effective["errorValue"].get("type", "ERROR"), "#ERROR!")
    return None


def render(
    user_entered: dict[str, Any] | None,
    effective: dict[str, Any] | None,
    number_format: dict[str, Any] | None,
    value_render: str,
    date_render: str,
    locale: str | None,
) -> Any:
    """One cell as ``values.get`` returns it; ``""`` for an empty cell."""
    if value_render == "FORMATTED_VALUE":
        text = formatted_value(effective, number_format, locale)
        return "" if text is None else text
    if value_render == "FORMULA" and user_entered and "formulaValue" in user_entered:
        return user_entered["formulaValue"]
    if not effective:
        return ""
    if "numberValue" in effective:
        if date_render == "FORMATTED_STRING" and is_date_format(number_format):
            return format_number(effective["numberValue"], number_format, locale)
        return num_out(effective["numberValue"])
    if "stringValue" in effective:
        return effective["stringValue"]
    if "boolValue" in effective:
        return effective["boolValue"]
    return formatted_value(effective, number_format, locale) or ""


def python_of(effective: dict[str, Any] | None) -> Any:
    """The plain Python value of an ExtendedValue (None for empty)."""
    if not effective:
        return None
    for key in ("stringValue", "boolValue"):
        if key in effective:
            return effective[key]
    if "numberValue" in effective:
        return num_out(effective["numberValue"])
    if "errorValue" in effective:
        return ERROR_TEXT.get(effective["errorValue"].get("type", "ERROR"), "#ERROR!")
    return None


def sort_key(effective: dict[str, Any] | None) -> tuple[int, Any]:
    """Google's sort order: numbers, then text (case-insensitive), then booleans, then errors."""
    if not effective:
        return (9, 0)
    if "numberValue" in effective:
        return (0, effective["numberValue"])
    if "stringValue" in effective:
        return (1, effective["stringValue"].casefold())
    if "boolValue" in effective:
        return (2, effective["boolValue"])
    return (3, 0)
