"""Case and review numbers: `SAPA-2026-0007`, per year, without gaps, never reused."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class IdPattern:
    """A configured pattern such as `SAPA-{year}-{seq:04d}`."""

    pattern: str

    def format(self, year: int, seq: int) -> str:
        return self.pattern.format(year=year, seq=seq)

    @property
    def regex(self) -> re.Pattern[str]:
        return _regex(self.pattern)

    def parse(self, value: object) -> tuple[int, int] | None:
        """(year, seq) of an ID this pattern made, None for anything else."""
        if not isinstance(value, str):
            return None
        found = self.regex.match(value.strip())
        return (int(found["year"]), int(found["seq"])) if found else None


@lru_cache(maxsize=16)
def _regex(pattern: str) -> re.Pattern[str]:
    """The IDs a pattern makes (built once: every ID read in a cycle is parsed)."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if name == "year":
            parts.append(r"(?P<year>\d{4})")
        elif name == "seq":
            parts.append(r"(?P<seq>\d+)")
    return re.compile("^" + "".join(parts) + "$")


class Sequence:
    """Hands out the next numbers per year after every number already in use.

    "In use" means seen anywhere the worker ever wrote one (register, responses tab,
    review tab, log), so that a deleted row never lets a number be given twice.
    """

    def __init__(self, pattern: IdPattern, seen: Iterable[object]) -> None:
        self._pattern = pattern
        self._last: dict[int, int] = {}
        for value in seen:
            parsed = pattern.parse(value)
            if parsed:
                year, seq = parsed
                self._last[year] = max(self._last.get(year, 0), seq)

    def next(self, year: int) -> str:
        seq = self._last.get(year, 0) + 1
        self._last[year] = seq
        return self._pattern.format(year, seq)
