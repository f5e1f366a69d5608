"""Probable duplicates: the same victim or reporter reported twice.

A worried family often fills the form twice, or a neighbour and a teacher report
the same child. Staff should see the earlier case before acting — but only staff
can tell, so this module links cases and never merges them. Reasons name what
matched (never the names themselves), so they are safe to show in any tab.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher

from rules.complaint import Complaint

# Words written around a name that say nothing about who the person is.
TITLES: frozenset[str] = frozenset({
    "an", "anak", "bpk", "bapak", "pak", "ibu", "bu", "ny", "nyonya", "tn", "tuan", "nn",
    "nona", "sdr", "sdri", "saudara", "saudari", "adik", "adek", "dik", "dek", "kak",
    "kakak", "mbak", "mba", "mas", "bang", "abang", "alm", "almh", "inisial",
})


@dataclass(frozen=True)
class DuplicatePolicy:
    """How alike two cases must be. Defaults follow the reporting rhythm of a week or two."""

    name_threshold: float = 0.85
    max_days_apart: int = 14
    same_sex_required: bool = True  # two different sexes cannot be the same victim
    ignored_phones: frozenset[str] = frozenset()  # the office's own numbers (hotline calls): link nothing


@dataclass(frozen=True)
class ProbableDuplicate:
    """A link for staff to check: `case_id` probably repeats `matched_case_id`."""

    case_id: str
    matched_case_id: str
    reason: str  # Indonesian, no personal data


def find_duplicates(
    case_id: str,
    complaint: Complaint,
    open_cases: Iterable[tuple[str, Complaint]],
    policy: DuplicatePolicy = DuplicatePolicy(),
) -> list[ProbableDuplicate]:
    """Every open case that the new one probably repeats, in the order given."""
    found: list[ProbableDuplicate] = []
    for other_id, other in open_cases:
        if other_id == case_id:
            continue
        reasons = _reasons(complaint, other, policy)
        if reasons:
            found.append(ProbableDuplicate(case_id, other_id, "; ".join(reasons)))
    return found


def find_duplicates_in_batch(
    new_cases: Sequence[tuple[str, Complaint]],
    open_cases: Sequence[tuple[str, Complaint]],
    policy: DuplicatePolicy = DuplicatePolicy(),
) -> list[ProbableDuplicate]:
    """Links for a cycle's new cases: against open cases and the batch's earlier ones.

    Only cases sharing the reporter's phone, or the kelurahan with a date (incident or
    submission) at most `max_days_apart` away, can match; candidates are looked up by
    those keys (blocking) before any name is compared, so a first cycle over 10,000
    responses compares a few names per case instead of every pair.
    """
    pool = [*open_cases, *new_cases]
    blocks = _Blocks(pool, policy.max_days_apart, policy.ignored_phones)
    found: list[ProbableDuplicate] = []
    for index, (case_id, complaint) in enumerate(new_cases):
        limit = len(open_cases) + index  # open cases, then the batch's earlier ones
        found += find_duplicates(case_id, complaint, [pool[p] for p in blocks.candidates(complaint, limit)], policy)
    return found


class _Blocks:
    """The pool's positions by reporter phone, and by kelurahan in day order (submission and incident)."""

    def __init__(self, pool: Sequence[tuple[str, Complaint]], days: int, ignored: frozenset[str]) -> None:
        self.days = days
        self.phones: dict[str, list[int]] = {}
        self.places: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (kelurahan, which day) -> (day, position)
        for position, (_, c) in enumerate(pool):
            if c.reporter_phone and c.reporter_phone not in ignored:
                self.phones.setdefault(c.reporter_phone, []).append(position)
            for key, day in _place_days(c):
                self.places.setdefault(key, []).append((day, position))
        for entries in self.places.values():
            entries.sort()

    def candidates(self, c: Complaint, limit: int) -> list[int]:
        """Positions before `limit` that could match `c`, in pool order."""
        found = {p for p in self.phones.get(c.reporter_phone or "", ()) if p < limit}
        for key, day in _place_days(c):
            entries = self.places.get(key, [])
            start = bisect_left(entries, (day - self.days, -1))
            end = bisect_left(entries, (day + self.days + 1, -1))
            found.update(p for _, p in entries[start:end] if p < limit)
        return sorted(found)


def _place_days(c: Complaint) -> list[tuple[tuple[str, str], int]]:
    """The kelurahan with each known day of the case (as day numbers), for the time-window blocks."""
    if not c.kelurahan:
        return []
    place = _fold(c.kelurahan)
    days = [("incident", c.incident_date), ("submitted", _day(c.submitted_at))]
    return [((place, which), day.toordinal()) for which, day in days if day is not None]


def name_similarity(a: str | None, b: str | None) -> float:
    """0..1, tolerant of titles, punctuation, word order and initials ("S. Aminah").

    Initials that contradict each other ("S. Aminah" / "R. Aminah") mean two people,
    however alike the rest of the text is.
    """
    ta, tb = sorted((name_tokens(a), name_tokens(b)))  # same answer either way round
    if sum(map(len, ta)) < 2 or sum(map(len, tb)) < 2:
        return 0.0  # a lone initial says too little
    in_order, sorted_ = _initials_score(ta, tb), _initials_score(sorted(ta), sorted(tb))
    if in_order is None and sorted_ is None:
        return 0.0
    return max(
        SequenceMatcher(None, " ".join(ta), " ".join(tb)).ratio(),
        SequenceMatcher(None, " ".join(sorted(ta)), " ".join(sorted(tb))).ratio(),
        in_order or 0.0,
        sorted_ or 0.0,
    )


def name_tokens(name: str | None) -> list[str]:
    """Casefolded words of a name without accents, punctuation or titles."""
    if not name:
        return []
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return [t for t in re.split(r"[\W_\d]+", plain) if t and t not in TITLES]


def _initials_score(ta: list[str], tb: list[str]) -> float | None:
    """Word by word, an initial standing for the other word; None if one contradicts.

    0.0 when the names cannot be aligned word by word (different lengths).
    """
    if len(ta) != len(tb):
        return 0.0
    full: list[float] = []
    for x, y in zip(ta, tb, strict=True):
        if len(x) == 1 or len(y) == 1:
            if x[0] != y[0]:
                return None
        else:
            full.append(SequenceMatcher(None, x, y).ratio())
    if not full:
        return 1.0 if len(ta) >= 2 else 0.0  # "S A" vs "Siti Aminah"; one letter is too little
    return sum(full) / len(full)


def _reasons(a: Complaint, b: Complaint, policy: DuplicatePolicy) -> list[str]:
    reasons: list[str] = []
    if a.reporter_phone and a.reporter_phone == b.reporter_phone and a.reporter_phone not in policy.ignored_phones:
        reasons.append("Nomor WhatsApp pelapor sama")
    days = _days_apart(a, b)
    if days is not None and days <= policy.max_days_apart and _could_be_same_victim(a, b, policy):
        score = name_similarity(a.victim_name, b.victim_name)  # the costly part, last
        if score >= policy.name_threshold:
            reasons.append(
                f"Nama korban mirip ({round(score * 100)}%), kelurahan sama, "
                f"tanggal berdekatan ({days} hari)"
            )
    return reasons


def _could_be_same_victim(a: Complaint, b: Complaint, policy: DuplicatePolicy) -> bool:
    """Same kelurahan (both known), and not two different sexes."""
    if not a.kelurahan or not b.kelurahan or _fold(a.kelurahan) != _fold(b.kelurahan):
        return False
    sexes_known = policy.same_sex_required and a.victim_sex and b.victim_sex
    return not (sexes_known and _fold(a.victim_sex or "") != _fold(b.victim_sex or ""))


def _days_apart(a: Complaint, b: Complaint) -> int | None:
    """The smallest gap between incident dates or between submission dates."""
    gaps = [
        abs((x - y).days)
        for x, y in (
            (a.incident_date, b.incident_date),
            (_day(a.submitted_at), _day(b.submitted_at)),
        )
        if x is not None and y is not None
    ]
    return min(gaps, default=None)


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())
