"""Whole numbers written in Indonesian words: `tujuh`, `lima belas`, `dua puluh satu`.

Reporters write a child's age in words as often as in digits. The vocabulary is
tiny (units, `belas`, `puluh`, `ratus`, and the `se-` prefix for one), so a small
reader here does better than a general words-to-number library, none of which reads
Indonesian.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DIGITS: dict[str, int] = {
    "nol": 0, "se": 1, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5,
    "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9,
}
SCALES: dict[str, int] = {"ratus": 100, "puluh": 10}
WORDS = frozenset(DIGITS) | frozenset(SCALES) | {"belas"}
# "sebelas", "limabelas", "duapuluh", "seratus": the scale word split off its number.
_JOINED = re.compile(r"(?<=[a-z])(belas|puluh|ratus)\b")


def split_words(text: str) -> str:
    """`limabelas` -> `lima belas`, `sebelas` -> `se belas`; other words are left alone."""
    return _JOINED.sub(r" \1", text)


def spelled_number(words: Sequence[str]) -> int | None:
    """0 to 999 from its words, already split: `["dua", "puluh", "satu"]` -> 21; None if not a number."""
    total, rest = 0, list(words)
    for scale, factor in SCALES.items():  # hundreds, then tens
        if len(rest) >= 2 and rest[0] in DIGITS and rest[1] == scale:
            total, rest = total + DIGITS[rest[0]] * factor, rest[2:]
    if len(rest) == 2 and rest[0] in DIGITS and rest[1] == "belas" and total % 100 == 0:
        return total + 10 + DIGITS[rest[0]]
    if len(rest) == 1 and rest[0] in DIGITS and rest[0] != "se":
        return total + DIGITS[rest[0]]
    return total if words and not rest else None


_UNITS: tuple[str, ...] = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas",
)


def in_words(number: int) -> str:
    """Indonesian words for 0..999 (`12` → `dua belas`, `100` → `seratus`), as letters spell out counts."""
    if not 0 <= number <= 999:
        raise ValueError(f"in_words covers 0..999, got {number}")
    if number < 12:
        return _UNITS[number]
    if number < 20:
        return f"{_UNITS[number - 10]} belas"
    if number < 100:
        tens, rest = divmod(number, 10)
        return f"{_UNITS[tens]} puluh" + (f" {_UNITS[rest]}" if rest else "")
    hundreds, rest = divmod(number, 100)
    head = "seratus" if hundreds == 1 else f"{_UNITS[hundreds]} ratus"
    return head + (f" {in_words(rest)}" if rest else "")


def counted(number: int, unit: str) -> str:
    """A count as official letters write it: `2 (dua) berkas`; nothing is `-`."""
    return f"{number} ({in_words(number)}) {unit}" if number else "-"
