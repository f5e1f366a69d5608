"""Which response is which case: markers, restored markers, new responses.

A response carries its case (or review) ID in the worker's marker column, which
moves with the row when staff sort. If that cell is lost (a partial sort, a
cleared cell), the response is recognised again by its fingerprint, so that it is
never taken in twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rules.intake import answers_of, duplicate_key, find_columns, submitted_at
from sync.context import Context
from sync.responses import fingerprint, is_blank
from sync.store import Table
from sync.text import cell_text


@dataclass(frozen=True)
class Response:
    row: int  # sheet row number at read time
    answers: Mapping[str, object]
    fingerprint: str
    marker: str | None
    submitted: datetime | None
    dup_key: tuple[str, ...]


@dataclass
class Identities:
    owner: dict[str, Response] = field(default_factory=dict)  # ID -> its response
    new: list[Response] = field(default_factory=list)
    restored: list[tuple[str, Response]] = field(default_factory=list)  # marker cell lost
    clashes: list[tuple[str, Response]] = field(default_factory=list)  # same marker twice


def read_responses(table: Table, ctx: Context, day_first: bool) -> list[Response]:
    marker_header = ctx.marker_header
    columns = find_columns(table.headers, ctx.spec.questions)
    out = []
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        if is_blank(table.headers, row, marker_header):
            continue
        answers = answers_of(row, columns)
        out.append(
            Response(
                row=number,
                answers=answers,
                fingerprint=fingerprint(table.headers, row, marker_header),
                marker=cell_text(table.get(row, marker_header)),
                submitted=submitted_at(answers, day_first=day_first),
                dup_key=duplicate_key(answers),
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
    ID its marker names. Every other row is new.
    """
    ids = Identities()
    taken: set[int] = set()  # sheet rows already given an ID
    by_fingerprint: dict[str, Response] = {}
    for response in responses:
        by_fingerprint.setdefault(response.fingerprint, response)
    for ident, recorded in known_fingerprints.items():
        match = by_fingerprint.get(recorded) if recorded else None
        if match is not None and match.row not in taken:
            ids.owner[ident] = match
            taken.add(match.row)
            if match.marker != ident:
                ids.restored.append((ident, match))
    for response in responses:
        if response.row in taken:
            continue
        marker = response.marker
        if marker and (ctx.case_ids.parse(marker) or ctx.review_ids.parse(marker)):
            if marker not in ids.owner:
                ids.owner[marker] = response
                taken.add(response.row)
                continue
            ids.clashes.append((marker, response))  # a copied row, or a marker that moved
        ids.new.append(response)
    ids.new.sort(key=lambda r: r.row)
    return ids
