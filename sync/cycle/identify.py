"""Which response is which case: markers, restored markers, new responses.

A response carries its case (or review) ID in the worker's marker column, which
moves with the row when staff sort. If that cell is lost (a partial sort, a
cleared cell), the response is recognised again by its fingerprint, so that it is
never taken in twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property, partial

from rules import values
from rules.columns import Columns, answers_of, find_columns, other_answers
from rules.intake import duplicate_key, submitted_at
from sync.cycle import sheet_zone
from sync.cycle.context import Context
from sync.stores.responses import (
    FINGERPRINT_PREFIX,
    PREVIOUS_PREFIX,
    fingerprint,
    is_blank,
    is_locale_id,
    legacy_fingerprint,
    only_answers_removed,
    previous_fingerprint,
)
from sync.stores.store import Table
from sync.stores.text import cell_text


@dataclass(frozen=True)
class Response:
    tab: str  # the responses tab it is in
    row: int  # sheet row number at read time
    order: tuple[int, int]  # (position of its tab, oldest first; row): the order responses arrived
    answers: Mapping[str, object]  # by field; a field whose column is missing is absent
    fingerprint: str
    previous_of: Callable[[], str] = field(repr=False, compare=False)  # works out `previous`
    legacy_of: Callable[[], str] = field(repr=False, compare=False)  # works out `legacy`
    marker: str | None
    submitted: datetime | None
    day_first: bool  # dates in this tab are written 28/11/2026 (Indonesian locale)
    unreadable: tuple[str, ...] = ()  # fields whose column its tab does not have
    other: tuple[tuple[str, str], ...] = ()  # (title, answer) of questions no field claims

    @cached_property
    def previous(self) -> str:
        """The fingerprint the previous worker recorded for the same answers (worked out only when one is met)."""
        return self.previous_of()

    @cached_property
    def legacy(self) -> str:
        """The fingerprint an older worker recorded for the same answers (worked out only when one is met)."""
        return self.legacy_of()

    def older(self, recorded: str) -> str | None:
        """This response's fingerprint in the scheme of `recorded`, if that is an older worker's."""
        if recorded.startswith(FINGERPRINT_PREFIX):
            return None
        return self.previous if recorded.startswith(PREVIOUS_PREFIX) else self.legacy

    @cached_property
    def texts(self) -> Mapping[str, str | None]:
        """Each answer as the reporter typed it, as text (None when blank): read once, here."""
        return {name: values.text(value) for name, value in self.answers.items()}

    @cached_property
    def dup_key(self) -> tuple[str, ...]:
        """The answers without the timestamp, to spot a form sent twice (only new responses need it)."""
        return duplicate_key(self.answers)

    def same_answers(self, recorded: str | None) -> bool:
        return bool(recorded) and (recorded == self.fingerprint or recorded == self.older(recorded or ""))

    def lost_answers(self, recorded: str | None) -> bool:
        """Answers recorded for it are gone and none is new: a column (or a cell) staff deleted, not an edit."""
        return bool(recorded) and only_answers_removed(recorded or "", self.fingerprint)


@dataclass
class Identities:
    owner: dict[str, Response] = field(default_factory=dict)  # ID -> its response
    new: list[Response] = field(default_factory=list)
    restored: list[tuple[str, Response]] = field(default_factory=list)  # marker cell lost
    clashes: list[tuple[str, Response]] = field(default_factory=list)  # same marker twice
    copies: list[tuple[Response, Response]] = field(default_factory=list)  # (response, its copy in a later tab)


def columns_of(table: Table, ctx: Context) -> Columns:
    form = ctx.settings.form
    return find_columns(table.headers, ctx.spec.questions, aliases=form.aliases,
                        known_extra=form.extra_questions, skip=(ctx.marker_header,))


def day_first(table: Table) -> bool:
    """Indonesian-locale sheets write 28/11/2026; English ones 11/28/2026."""
    return is_locale_id(table.name) or any(values.normalize(h) == "stempel waktu" for h in table.headers)


_VALUE_LIKE = re.compile(r"^[\d\s.,:/+\-()]+$")  # a number, a date, a time, a phone number: no question's title


def header_lost(table: Table, ctx: Context) -> bool:
    """Row 1 of a responses tab is no header row: staff sorted the tab with its header row inside, or
    deleted row 1, and a response (or nothing) is there now. Such a tab is not read until row 1 is
    its header again: every answer would be read under another question's title.

    Row 1 is taken for a response when a cell of it is a value (a date, a number, a case ID), or
    when none of the form's questions is found there by its title (by position alone proves nothing).
    An empty tab (no row at all) is not lost: the form has not written to it yet.
    """
    if not table.headers and not table.rows:
        return False
    titles = [h for h in table.headers if h]
    if not titles or any(_is_value(t, ctx) for t in titles):
        return True
    columns = columns_of(table, ctx)
    by_position = sum(1 for r in columns.renamed if r.how == "posisi")
    return len(columns.index) - by_position == 0


def _is_value(title: str, ctx: Context) -> bool:
    return bool(_VALUE_LIKE.match(title) or ctx.case_ids.parse(title) or ctx.review_ids.parse(title)
                or values.timestamp(title, day_first=True) is not None)


def read_responses(tables: Sequence[Table], ctx: Context, time_zone: str | None = None) -> list[Response]:
    """The responses of every responses tab, each parsed once, oldest tab first. A tab whose header row
    is lost (`header_lost`) gives none: nothing is made of it until its header is back in row 1.
    `time_zone`: the spreadsheet's (Snapshot.time_zone), in which the form wrote its timestamps: each is
    read as a time in the configured zone (sync/cycle/sheet_zone.py)."""
    zone = sheet_zone.reader(time_zone, ctx)
    out: list[Response] = []
    for position, table in enumerate(tables):
        if not header_lost(table, ctx):
            out += _read_tab(table, position, ctx, zone)
    return out


def _read_tab(table: Table, position: int, ctx: Context, zone: tzinfo | None) -> list[Response]:
    marker_header = ctx.marker_header
    columns = columns_of(table, ctx)
    first = day_first(table)
    out = []
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        if is_blank(table.headers, row, marker_header):
            continue
        answers = answers_of(row, columns)
        submitted = submitted_at(answers, day_first=first)
        if zone is not None and submitted is not None:  # the time the form wrote, in the configured zone
            submitted = sheet_zone.shift(submitted, zone, ctx)
            answers["timestamp"] = submitted
        out.append(
            Response(
                tab=table.name,
                row=number,
                order=(position, number),
                answers=answers,
                fingerprint=fingerprint(table.headers, row, marker_header),
                previous_of=partial(previous_fingerprint, table.headers, row, marker_header),
                legacy_of=partial(legacy_fingerprint, table.headers, row, marker_header),
                marker=cell_text(table.get(row, marker_header)),
                submitted=submitted,
                day_first=first,
                unreadable=columns.missing,
                other=other_answers(row, columns),
            )
        )
    return out


def identify(
    responses: list[Response], known_fingerprints: Mapping[str, str], ctx: Context
) -> Identities:
    """Give each response its ID; `known_fingerprints` maps ID -> last fingerprint seen.

    The recorded answers decide first: a row whose answers are exactly those recorded
    for an ID is that ID's response, whatever its marker cell says (a marker typed
    over, cleared, swapped or written into the wrong row by a sort is put right).
    Then the marker cell: a row whose answers changed (a reporter's edit) keeps the
    ID its marker names. A row in a later responses tab with the answers of a response
    of an earlier tab (the same answers, or the same timestamp to the second and nearly
    the same answers, as staff may have corrected a cell of the older row) is that
    response written again by a form linked anew: it gets the same ID, never a second
    case. Every other row is new.
    """
    ids = Identities()
    taken: set[tuple[int, int]] = set()  # responses already given an ID
    by_fingerprint: dict[str, Response] = {}
    previous = any(f.startswith(PREVIOUS_PREFIX) for f in known_fingerprints.values())
    legacy = any(f and not f.startswith((FINGERPRINT_PREFIX, PREVIOUS_PREFIX)) for f in known_fingerprints.values())
    for response in responses:
        by_fingerprint.setdefault(response.fingerprint, response)
        if previous:  # an older worker's fingerprints are recorded: they find their responses too
            by_fingerprint.setdefault(response.previous, response)
        if legacy:
            by_fingerprint.setdefault(response.legacy, response)
    for ident, recorded in known_fingerprints.items():
        match = by_fingerprint.get(recorded) if recorded else None
        if match is not None and match.order not in taken:
            ids.owner[ident] = match
            taken.add(match.order)
            if match.marker != ident:
                ids.restored.append((ident, match))
    earlier = _Earlier(list(ids.owner.values()))
    for response in responses:
        if response.order in taken:
            continue
        original = earlier.copied_by(response)
        if original is not None:
            ids.copies.append((original, response))  # the form linked again wrote its responses anew
            continue
        earlier.add(response)
        marker = response.marker
        if marker and (ctx.case_ids.parse(marker) or ctx.review_ids.parse(marker)):
            if marker not in ids.owner:
                ids.owner[marker] = response
                taken.add(response.order)
                continue
            ids.clashes.append((marker, response))  # a copied row, or a marker that moved
        ids.new.append(response)
    ids.new.sort(key=lambda r: r.order)
    return ids


def without_copies(responses: list[Response]) -> tuple[list[Response], int]:
    """The responses without their copies in later responses tabs, and how many copies there were."""
    earlier = _Earlier([])
    out = []
    for response in responses:
        if earlier.copied_by(response) is None:
            earlier.add(response)
            out.append(response)
    return out, len(responses) - len(out)


COPY_LIKENESS = 0.8  # the share of answers a copy in a later tab must have unchanged


class _Earlier:
    """The responses seen so far, to recognise their copies in a later responses tab."""

    def __init__(self, responses: list[Response]) -> None:
        self.by_fingerprint: dict[str, Response] = {}
        self.by_time: dict[datetime, list[Response]] = {}
        for response in responses:
            self.add(response)

    def add(self, response: Response) -> None:
        self.by_fingerprint.setdefault(response.fingerprint, response)
        if response.submitted is not None:
            self.by_time.setdefault(response.submitted, []).append(response)

    def copied_by(self, response: Response) -> Response | None:
        same = self.by_fingerprint.get(response.fingerprint)
        if same is not None and same.tab != response.tab:
            return same
        candidates = self.by_time.get(response.submitted) if response.submitted is not None else None
        return next((r for r in candidates or () if r.tab != response.tab and _alike(r, response)), None)


def _alike(a: Response, b: Response) -> bool:
    """Nearly the same answers: at least COPY_LIKENESS of those given in either are equal."""
    answered = {f for r in (a, b) for f, v in r.answers.items() if values.text(v)}
    if not answered:
        return False
    same = sum(1 for f in answered if _answer(a, f) == _answer(b, f))
    return same / len(answered) >= COPY_LIKENESS


def _answer(response: Response, field_name: str) -> str:
    return values.normalize(values.text(response.answers.get(field_name)) or "")
