"""Official letter numbers: `800.1.11.1/22/DSP3A/2026` (kode klasifikasi/nomor urut/kode unit/tahun).

Numbers run per year and must never repeat (Tata Naskah Dinas). The register of
outgoing letters is the only memory: the next number is one more than the highest
number ever issued in the same counter, however the register was typed or sorted.
A gap (a number a clerk took by hand) is never filled: that number may be on a
letter the register does not show. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

from rules.dates_id import ROMAN_MONTHS, month_from_roman, roman_month

DEFAULT_PATTERN = "{kode}/{urut}/{unit}/{tahun}"
PATTERN_FIELDS = frozenset({"kode", "urut", "unit", "tahun", "bulan_romawi"})

# Permendagri 83/2022 (unverified, so configurable): 800.1.11.1 Surat Perintah/Tugas,
# 400.2.4 Perlindungan Anak, 400.2.3 Perlindungan Perempuan, 400.2 Pemberdayaan Perempuan dan
# Perlindungan Anak (the final case report, when the office numbers its reports). Type → variant → code.
DEFAULT_CODES: dict[str, dict[str, str]] = {
    "surat_tugas": {"umum": "800.1.11.1"},
    "surat_rujukan": {"anak": "400.2.4", "dewasa": "400.2.3"},
    "laporan_akhir": {"umum": "400.2"},
}

CounterScope = Literal["per_type", "shared"]
SHARED = "*"  # the counter key of a shared counter

_CODE = re.compile(r"^\d+(?:\.\d+)*$")
_UNIT = r"[A-Za-z0-9](?:[A-Za-z0-9.\-/]*?[A-Za-z0-9])?"
_GROUPS = {
    "kode": r"(?P<kode>\d+(?:\.\d+)*)",
    "urut": r"(?P<urut>\d{1,6})",
    "unit": rf"(?P<unit>{_UNIT})",
    "tahun": r"(?P<tahun>\d{4})",
    "bulan_romawi": "(?P<bulan>" + "|".join(sorted(ROMAN_MONTHS, key=len, reverse=True)) + ")",
}


def rujukan_variant(child_victim: bool) -> str:
    """The code variant of a Surat Rujukan: a child victim's case is Perlindungan Anak."""
    return "anak" if child_victim else "dewasa"


@dataclass(frozen=True)
class IssuedNumber:
    """One number read back from the register."""

    urut: int
    tahun: int
    kode: str | None = None
    unit: str | None = None
    bulan: int | None = None


@dataclass(frozen=True)
class NumberPattern:
    """A configured format string such as `{kode}/{urut:03d}/{unit}/{bulan_romawi}/{tahun}`."""

    pattern: str = DEFAULT_PATTERN

    def __post_init__(self) -> None:
        names = [name for _, name, spec, conv in self._parts if name is not None]
        unknown = sorted(set(names) - PATTERN_FIELDS)
        if unknown:
            raise ValueError(
                f"unknown field(s) {unknown} in letter number pattern {self.pattern!r}; "
                f"use some of {sorted(PATTERN_FIELDS)}"
            )
        for needed in ("urut", "tahun"):
            if names.count(needed) != 1:
                raise ValueError(f"letter number pattern {self.pattern!r} must contain {{{needed}}} exactly once")
        for _, name, spec, conv in self._parts:
            if conv or (spec and name != "urut") or (name == "urut" and spec and not re.fullmatch(r"0?\d*d", spec)):
                raise ValueError(
                    f"letter number pattern {self.pattern!r}: only {{urut}} takes a format, "
                    f"and only zero padding such as {{urut:03d}}"
                )

    @property
    def _parts(self) -> list[tuple[str, str | None, str | None, str | None]]:
        try:
            return list(string.Formatter().parse(self.pattern))
        except ValueError as err:
            raise ValueError(f"letter number pattern {self.pattern!r} is not a valid format string: {err}") from err

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(name for _, name, _, _ in self._parts if name)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """Finds numbers in register cells, tolerating blanks around separators and any case."""
        out = [r"(?<![\w.])"]
        for literal, name, _, _ in self._parts:
            if literal.strip():
                out.append(r"\s*" + re.escape(literal.strip()) + r"\s*")
            elif literal:
                out.append(r"\s+")
            if name:
                out.append(_GROUPS[name])
        out.append(r"(?!\w)")
        return re.compile("".join(out), re.IGNORECASE)

    def format(self, *, kode: str, urut: int, unit: str, on: date) -> str:
        return self.pattern.format(
            kode=kode, urut=urut, unit=unit, tahun=f"{on.year:04d}", bulan_romawi=roman_month(on.month)
        )

    def parse_all(self, value: object) -> list[IssuedNumber]:
        """Every number in one register cell; junk (blank, text, a number typed as a float) gives []."""
        if not isinstance(value, str):
            return []
        found = []
        for hit in self.regex.finditer(value):
            groups = hit.groupdict()
            found.append(IssuedNumber(
                urut=int(groups["urut"]),
                tahun=int(groups["tahun"]),
                kode=groups.get("kode"),
                unit=groups.get("unit"),
                bulan=month_from_roman(groups["bulan"]) if groups.get("bulan") else None,
            ))
        return found

    def parse(self, value: object) -> IssuedNumber | None:
        """The first number in a register cell, or None."""
        found = self.parse_all(value)
        return found[0] if found else None


def _default_codes() -> dict[str, dict[str, str]]:
    return {kind: dict(variants) for kind, variants in DEFAULT_CODES.items()}


@dataclass(frozen=True)
class Numbering:
    """How an office numbers its letters: pattern, unit code, classification codes, counters.

    `counter="per_type"`: each letter type counts from 1 every year, told apart by its
    classification code. `"shared"`: one running number per year for every number in
    the register, whatever its code (an office-wide agenda surat keluar).
    """

    pattern: str = DEFAULT_PATTERN
    unit: str = "DSP3A"
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=_default_codes)
    counter: CounterScope = "per_type"

    def __post_init__(self) -> None:
        fmt = NumberPattern(self.pattern)
        if self.counter not in ("per_type", "shared"):
            raise ValueError(f"counter must be 'per_type' or 'shared', got {self.counter!r}")
        if "unit" in fmt.fields and not re.fullmatch(_UNIT, self.unit):
            raise ValueError(f"unit code {self.unit!r} must be letters, digits, '.', '-' or '/' (e.g. 'DSP3A')")
        if not self.codes or any(not variants for variants in self.codes.values()):
            raise ValueError("every letter type needs at least one classification code")
        owner: dict[str, str] = {}
        for kind, variants in self.codes.items():
            for variant, code in variants.items():
                if not _CODE.match(code):
                    raise ValueError(f"classification code {code!r} of {kind}/{variant} must look like '800.1.11.1'")
                if owner.setdefault(code, kind) != kind and self.counter == "per_type":
                    raise ValueError(
                        f"classification code {code} is used by both {owner[code]} and {kind}: with separate "
                        "counters per letter type each type needs its own codes (or use counter 'shared')"
                    )
        if self.counter == "per_type" and "kode" not in fmt.fields:
            raise ValueError("with separate counters per letter type the pattern must contain {kode}")

    @cached_property
    def format(self) -> NumberPattern:
        return NumberPattern(self.pattern)

    def code(self, letter_type: str, variant: str | None = None) -> str:
        """The classification code the caller chooses, e.g. `code("surat_rujukan", rujukan_variant(True))`."""
        variants = self.codes.get(letter_type)
        if variants is None:
            raise KeyError(f"unknown letter type {letter_type!r}; configured: {sorted(self.codes)}")
        if variant is None:
            if len(variants) != 1:
                raise KeyError(f"{letter_type} has several codes {sorted(variants)}: say which variant")
            return next(iter(variants.values()))
        if variant not in variants:
            raise KeyError(f"unknown variant {variant!r} of {letter_type}; configured: {sorted(variants)}")
        return variants[variant]

    def counter_key(self, issued: IssuedNumber) -> str | None:
        """Which counter an issued number advanced; None when it belongs to none of ours."""
        if self.counter == "shared":
            return SHARED
        for kind, variants in self.codes.items():
            if issued.kode in variants.values():
                return kind
        return None


class LetterCounter:
    """The next numbers after everything in the register; keeps count within one batch."""

    def __init__(self, numbering: Numbering, issued: Iterable[object]) -> None:
        self._numbering = numbering
        self._last: dict[tuple[str, int], int] = {}
        for cell in issued:
            for number in numbering.format.parse_all(cell):
                key = numbering.counter_key(number)
                if key is not None:
                    slot = (key, number.tahun)
                    self._last[slot] = max(self._last.get(slot, 0), number.urut)

    def last(self, letter_type: str, year: int) -> int:
        """The highest number issued so far (0: none this year)."""
        key = SHARED if self._numbering.counter == "shared" else letter_type
        return self._last.get((key, year), 0)

    def next(self, letter_type: str, on: date, variant: str | None = None) -> str:
        numbering = self._numbering
        code = numbering.code(letter_type, variant)
        key = SHARED if numbering.counter == "shared" else letter_type
        urut = self._last.get((key, on.year), 0) + 1
        self._last[(key, on.year)] = urut
        return numbering.format.format(kode=code, urut=urut, unit=numbering.unit, on=on)


def next_number(
    issued: Iterable[object], numbering: Numbering, letter_type: str, on: date, variant: str | None = None
) -> str:
    """The number for a letter of `letter_type` dated `on`, after every number in `issued`."""
    return LetterCounter(numbering, issued).next(letter_type, on, variant)


def parse_number(value: object, pattern: str = DEFAULT_PATTERN) -> IssuedNumber | None:
    return NumberPattern(pattern).parse(value)
