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
    """Give each response its ID; `known_fingerprints` maps ID -> last fingerprint seen."""
    ids = Identities()
    loose: list[Response] = []
    for response in responses:
        marker = response.marker
        if marker is None or not (ctx.case_ids.parse(marker) or ctx.review_ids.parse(marker)):
            loose.append(response)
            continue
        holder = ids.owner.get(marker)
        if holder is None:
            ids.owner[marker] = response
            continue
        # Two rows carry one ID (a copied row): the one that matches the record keeps it.
        keeper, other = (holder, response)
        if known_fingerprints.get(marker) == response.fingerprint != holder.fingerprint:
            keeper, other = response, holder
        ids.owner[marker] = keeper
        ids.clashes.append((marker, other))
        loose.append(other)
    by_fingerprint = {fp: i for i, fp in known_fingerprints.items() if i not in ids.owner}
    for response in sorted(loose, key=lambda r: r.row):
        lost = by_fingerprint.pop(response.fingerprint, None)
        if lost is not None:
            ids.owner[lost] = response
            ids.restored.append((lost, response))
        else:
            ids.new.append(response)
    return ids
