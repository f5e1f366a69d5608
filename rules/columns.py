"""Which column of a form responses tab holds which question, as the office's form lives.

Google Forms renames a header cell in place when a question's title is edited (a typo
fixed, "(wajib)" added, "sekarang" -> "saat ini"), appends a column for a new question
after the form's columns, and keeps the column of a deleted question. So a column is
found by its configured title (or an alias) first; failing that, a renamed column is
recognised when it is unambiguous: the same title once remarks and punctuation are
set aside, a clearly closest title, or the only unknown column where the question's
neighbours say it must be. What is recognised that way, what is missing, doubled or
new is reported, so that staff and the operator see it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from rules import values
from rules.complaint import FIELDS

TIMESTAMP_TITLES = ("Timestamp", "Stempel waktu")
# Columns Google itself may add to a responses tab ("Collect email addresses", a quiz's score).
FORM_EXTRAS = ("Email Address", "Alamat email", "Score", "Skor")

SIMILAR_ENOUGH = 0.75  # the least similarity of two titles for a rename to be recognised
CLEAR_LEAD = 0.1  # by how much the best candidate must beat the second

_REMARKS = re.compile(r"\(.*?\)|\[.*?\]|\bwajib\b|\brequired\b|\*")
_PUNCTUATION = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class Renamed:
    """A question found under another title than the configured one."""

    field: str
    configured: str
    found: str
    column: int  # 0-based
    how: str  # "mirip" (similar title) or "posisi" (position among the form's columns)


@dataclass(frozen=True)
class Columns:
    """Where each question is in one responses tab."""

    index: Mapping[str, int]  # field -> 0-based column
    missing: tuple[str, ...] = ()  # fields whose column could not be found
    duplicated: tuple[str, ...] = ()  # titles found more than once (the first one is read)
    renamed: tuple[Renamed, ...] = ()
    extra: tuple[tuple[int, str], ...] = ()  # (column, title) of columns no field claims
    unlisted: tuple[str, ...] = ()  # titles among `extra` the configuration does not know yet


def find_columns(
    headers: Sequence[object],
    questions: Mapping[str, str],
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    known_extra: Sequence[str] = (),
    skip: Sequence[str] = (),
) -> Columns:
    """Map each field to its column. `skip` names the worker's own columns (the case ID marker)."""
    titles = [values.text(h) or "" for h in headers]
    ignored = {values.normalize(s) for s in skip}
    free = {i for i, t in enumerate(titles) if t and values.normalize(t) not in ignored}
    index: dict[str, int] = {}
    duplicated: list[str] = []
    for field in FIELDS:
        wanted = {values.normalize(t) for t in _titles(field, questions, aliases)}
        found = [i for i in sorted(free) if values.normalize(titles[i]) in wanted]
        if found:
            index[field] = found[0]
            free -= set(found[:1])
            if len(found) > 1:
                duplicated.append(titles[found[1]])
    renamed = _by_title(titles, questions, free, index) + _by_position(titles, questions, free, index)
    extra = tuple((i, titles[i]) for i in sorted(free))
    listed = {values.normalize(t) for t in (*known_extra, *FORM_EXTRAS)}
    return Columns(
        index=index,
        missing=tuple(f for f in FIELDS if f not in index),
        duplicated=tuple(duplicated),
        renamed=tuple(sorted(renamed, key=lambda r: r.column)),
        extra=extra,
        unlisted=tuple(t for _, t in extra if values.normalize(t) not in listed),
    )


def _titles(field: str, questions: Mapping[str, str], aliases: Mapping[str, Sequence[str]] | None) -> list[str]:
    out = [questions[field], *((aliases or {}).get(field, ()))]
    return out + list(TIMESTAMP_TITLES) if field == "timestamp" else out


def loose(title: str) -> str:
    """A title with its remarks ("(wajib)", "*"), punctuation and spacing set aside."""
    plain = _REMARKS.sub(" ", values.normalize(title))
    return " ".join(_PUNCTUATION.sub(" ", plain).split())


def _by_title(titles: list[str], questions: Mapping[str, str], free: set[int], index: dict[str, int]) -> list[Renamed]:
    """Missing questions whose title is clearly, and uniquely, the closest of the free columns."""
    scores: dict[tuple[str, int], float] = {}
    for field in FIELDS:
        if field in index:
            continue
        for i in free:
            scores[(field, i)] = _similarity(questions[field], titles[i])
    found: list[Renamed] = []
    for field in FIELDS:
        if field in index:
            continue
        mine = sorted(((s, i) for (f, i), s in scores.items() if f == field and i in free), reverse=True)
        if not mine or mine[0][0] < SIMILAR_ENOUGH:
            continue
        best, column = mine[0]
        if len(mine) > 1 and best - mine[1][0] < CLEAR_LEAD:
            continue  # two columns look alike: ambiguous
        rivals = [s for (f, i), s in scores.items() if i == column and f != field and f not in index]
        if rivals and max(rivals) > best - CLEAR_LEAD:
            continue  # the column looks as much like another missing question
        index[field] = column
        free.discard(column)
        found.append(Renamed(field, questions[field], titles[column], column, "mirip"))
    return found


def _similarity(a: str, b: str) -> float:
    left, right = loose(a), loose(b)
    if not left or not right:
        return 0.0
    return 1.0 if left == right else SequenceMatcher(None, left, right).ratio()


def _by_position(
    titles: list[str], questions: Mapping[str, str], free: set[int], index: dict[str, int]
) -> list[Renamed]:
    """A missing question whose found neighbours enclose exactly one free column: that column.

    Google keeps a renamed question's column where it was, and puts new questions after
    the form's columns, so a lone unknown column between two known neighbours is the
    renamed one. Only when the neighbours are in the form's order.
    """
    found: list[Renamed] = []
    for position, field in enumerate(FIELDS):
        if field in index:
            continue
        before = [index[f] for f in FIELDS[:position] if f in index]
        after = [index[f] for f in FIELDS[position + 1:] if f in index]
        low = before[-1] if before else -1
        high = after[0] if after else None
        if high is None or low >= high:
            continue
        between = [i for i in free if low < i < high]
        if len(between) != 1 or any(low < index[f] < high for f in index):
            continue
        column = between[0]
        index[field] = column
        free.discard(column)
        found.append(Renamed(field, questions[field], titles[column], column, "posisi"))
    return found


def answers_of(row: Sequence[object], columns: Columns) -> dict[str, object]:
    """The row's answers by field (a field whose column is missing is left out, not blank)."""
    return {f: (row[i] if i < len(row) else None) for f, i in columns.index.items()}


def other_answers(row: Sequence[object], columns: Columns) -> tuple[tuple[str, str], ...]:
    """(title, answer) of the non-blank cells in columns no field claims (new questions)."""
    out = []
    for i, title in columns.extra:
        answer = values.text(row[i]) if i < len(row) else None
        if answer:
            out.append((title, answer))
    return tuple(out)
