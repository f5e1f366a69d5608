"""Bounded writes: a cycle's plan cut to the part that fits one request of at most the budget.

Google refuses a request body over 10,485,760 bytes and recommends at most about 2 MB; the
first cycle over an office's thousands of old responses would plan one write far larger
(about 4 KB a new case). The worker's plans are reconciliations: a cycle that plans again
from a fresh read plans exactly what is still missing. So a cycle whose plan is too large
writes a *part* of it, as one atomic write like any other, and the next cycle (started at
once, see `sync.cycle.run.run_cycles`) plans and writes the rest.

A part is made of whole *subjects*, so that it leaves the spreadsheet consistent on its own
(a crash or a refusal after it loses nothing and duplicates nothing):

- a subject is a case or review ID: every operation concerning it goes with it -- its
  marker in the responses tab, its register, role-tab, review and agenda rows (a letter key
  belongs to its case), its log rows -- since a log row is written once, with the change it
  records; a review released as a case is one subject with that case;
- subjects are taken in the order the plan first names them: markers first, in the order
  intake numbered them (oldest response first), so the IDs written are always the first ones
  of each year's sequence: gap-free, whatever the cut, and the next cycle numbers on from them;
- everything else (tabs and columns to ensure, the help tab, log rows about the worker
  itself) is small and goes with the first part.
- the recap tab (its creation and its rows, about 100 KB on Google) is one subject, taken last:
  its figures are those of the whole plan, so it is written with the part that completes it.

An UpdateRow of one case does not wait for another's: a plan of many changed rows (a format
upgrade of every register row) is cut like one of many new cases.

The size is the store's to tell: a store that can build its request without sending it
(`Measured`; the Google store: its batchUpdate body, byte for byte) says how large a plan's
request is; for any other store (the local workbook) the plan's own text stands in for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from sync.cycle.context import Context
from sync.cycle.intake_step import RELEASED_PREFIX
from sync.cycle.tabs import CASE_ID, REVIEW_ID, A, L, V
from sync.stores.store import AppendRow, EnsureTab, MarkResponse, Operation, UpdateRow, WritePlan
from sync.stores.text import cell_text

Measure = Callable[[WritePlan], int]
RECAP = "Rekap Bulanan"  # the subject of every operation on the recap tab (whatever its configured name)
SHRINK = 0.9  # aim a little under the budget when cutting in proportion to a measured size


@runtime_checkable
class Measured(Protocol):
    """A store that can tell the size of the request a plan would be, without sending it."""

    def request_bytes(self, plan: WritePlan) -> int:
        """The bytes of the request `write(plan)` would send now (after `read`)."""
        ...


def plan_bytes(plan: WritePlan) -> int:
    """An estimate of a plan's size for a store that sends no request: its operations as text."""
    return sum(len(repr(op).encode("utf-8")) for op in plan.operations)


def measure_of(store: object) -> Measure:
    """How to measure a plan for `store`: its own measure, else the plan's text."""
    return store.request_bytes if isinstance(store, Measured) else plan_bytes


@dataclass(frozen=True)
class Part:
    """The part of a plan a cycle writes: `plan`, the first `taken` of its `subjects`."""

    plan: WritePlan
    taken: int
    subjects: tuple[str, ...]  # every subject of the whole plan, in order
    keys: frozenset[str]  # the case and review IDs the part's operations concern
    size: int  # bytes, as measured

    @property
    def cut(self) -> bool:
        """Is something left for the next cycle?"""
        return self.taken < len(self.subjects)

    def holds(self, key: str, ctx: Context) -> bool:
        """Does the part write what concerns `key` (any text: what is no ID goes with every part)?"""
        return key in self.keys or not (ctx.case_ids.parse(key) or ctx.review_ids.parse(key))


def fit(plan: WritePlan, budget: int, measure: Measure, ctx: Context, most: int | None = None) -> Part:
    """The largest part of `plan` (at most `most` subjects) whose request fits `budget` bytes.

    At least one subject is taken, even alone over the budget (a store then says if it is too large).
    """
    keys = [_key(op, ctx) for op in plan.operations]
    owners = subjects_of(plan.operations, keys)
    subjects = sorted(dict.fromkeys(o for o in owners if o is not None), key=lambda o: o == RECAP)
    taken = len(subjects) if most is None else min(most, len(subjects))
    rough = plan_bytes(plan)  # cheap: a first cut without building a store's request of the whole plan
    if rough > budget and taken > 1:
        taken = max(1, min(taken, int(taken * budget / rough)))
    while True:
        chosen = set(subjects[:taken])
        inside = [owner is None or owner in chosen for owner in owners]
        part = WritePlan(tuple(op for op, keep in zip(plan.operations, inside, strict=True) if keep))
        size = measure(part)
        if size <= budget or taken <= 1:
            held = frozenset(k for k, keep in zip(keys, inside, strict=True) if keep and k is not None)
            return Part(part, taken, tuple(subjects), held, size)
        taken = max(1, min(taken - 1, int(taken * budget / size * SHRINK)))


def subjects_of(operations: Sequence[Operation], keys: Sequence[str | None]) -> list[str | None]:
    """The subject of each operation (its key); a review released as a case counts as that case."""
    released = {key: case for op, key in zip(operations, keys, strict=True)
                if key is not None and (case := _released_as(op)) is not None}
    return [released.get(key, key) if key is not None else None for key in keys]


def _key(op: Operation, ctx: Context) -> str | None:
    """The case or review ID an operation concerns (None: none, it goes with every part)."""
    if isinstance(op, EnsureTab | UpdateRow | AppendRow) and op.tab == ctx.tabs.recap.name:
        return RECAP
    key: str | None = None
    if isinstance(op, MarkResponse):
        key = op.marker
    elif isinstance(op, UpdateRow):
        key = op.key.rsplit("-", 1)[0] if op.key_header == A.ID else op.key
    elif isinstance(op, AppendRow):
        cells = dict(op.cells)
        key = next((cell_text(cells[h]) for h in (CASE_ID, REVIEW_ID, L.ID) if cell_text(cells.get(h))), None)
    if key is None or not (ctx.case_ids.parse(key) or ctx.review_ids.parse(key)):
        return None
    return key


def _released_as(op: Operation) -> str | None:
    """The case a review row's change releases it as (the review and the case are one subject)."""
    if isinstance(op, UpdateRow | AppendRow):
        status = cell_text(dict(op.cells).get(V.STATUS))
        on_review = (isinstance(op, AppendRow) and REVIEW_ID in dict(op.cells)) or (
            isinstance(op, UpdateRow) and op.key_header == V.ID)
        if on_review and status and status.startswith(RELEASED_PREFIX):
            return status[len(RELEASED_PREFIX):].strip()
    return None
