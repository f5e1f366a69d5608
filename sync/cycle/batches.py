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

The size is the store's to tell (`Store.request_bytes`): a store that sends a request (the Google store: its
batchUpdate body, byte for byte) says how large a plan's request would be, and a part is cut from
that measure: the most subjects whose request is at most the budget, found by measuring a few
candidate parts (a secant on the measured size, kept inside the bracket of a count that fits and
one that does not), and taken once it fills the budget to within `FULL`. A store that answers None
(the local workbook, whose every write is a load and a save of the whole file) sends no request:
the budget is Google's, so its plan is written whole, in one cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sync.cycle.context import Context
from sync.cycle.intake_step import RELEASED_PREFIX
from sync.cycle.tabs import CASE_ID, REVIEW_ID, A, L, V
from sync.stores.store import AppendRow, EnsureTab, MarkResponse, Operation, UpdateRow, WritePlan
from sync.stores.text import cell_text

Measure = Callable[[WritePlan], int | None]
RECAP = "Rekap Bulanan"  # the subject of every operation on the recap tab (whatever its configured name)
AIM = 0.95  # a cut aims this far under the budget (a measure of a guess is a few bytes off a straight line)
FULL = 0.9  # a part that fits and fills the budget this far is taken
STEPS = 8  # candidate parts measured at most, past the first, before the largest that fits is taken


def plan_bytes(plan: WritePlan) -> int:
    """A plan's operations as text: a first guess of where to cut, never the size that decides."""
    return sum(len(repr(op).encode("utf-8")) for op in plan.operations)


@dataclass(frozen=True)
class Part:
    """The part of a plan a cycle writes: `plan`, the first `taken` of its `subjects`."""

    plan: WritePlan
    taken: int
    subjects: tuple[str, ...]  # every subject of the whole plan, in order
    keys: frozenset[str]  # the case and review IDs the part's operations concern
    size: int | None  # bytes, as measured (None: the store sends no request)

    @property
    def cut(self) -> bool:
        """Is something left for the next cycle?"""
        return self.taken < len(self.subjects)

    def holds(self, key: str, ctx: Context) -> bool:
        """Does the part write what concerns `key` (any text: what is no ID goes with every part)?"""
        return key in self.keys or not (ctx.case_ids.parse(key) or ctx.review_ids.parse(key))


def fit(plan: WritePlan, budget: int, measure: Measure, ctx: Context, most: int | None = None) -> Part:
    """The largest part of `plan` (at most `most` subjects) whose request fits `budget` bytes, to within
    `FULL` of the budget; the whole plan when the store sends no request (its measure is None).

    At least one subject is taken, even alone over the budget (a store then says if it is too large).
    """
    keys = [_key(op, ctx) for op in plan.operations]
    owners = subjects_of(plan.operations, keys)
    subjects = sorted(dict.fromkeys(o for o in owners if o is not None), key=lambda o: o == RECAP)
    count = len(subjects) if most is None else min(most, len(subjects))
    parts: dict[int, tuple[WritePlan, list[bool], int | None]] = {}

    def part(taken: int) -> tuple[WritePlan, list[bool], int | None]:
        if taken not in parts:
            chosen = set(subjects[:taken])
            inside = [owner is None or owner in chosen for owner in owners]
            cut = WritePlan(tuple(op for op, keep in zip(plan.operations, inside, strict=True) if keep))
            parts[taken] = (cut, inside, measure(cut))
        return parts[taken]

    def size(taken: int) -> int:
        return part(taken)[2] or 0

    rough = plan_bytes(plan)  # cheap: the first guess, without building a store's request of the whole plan
    first = count if most is not None or rough <= budget else max(1, int(count * budget / rough))
    taken = count if count <= 1 or part(first)[2] is None else cut_at(size, count, budget, first)
    chosen_plan, inside, measured = part(taken)
    held = frozenset(k for k, keep in zip(keys, inside, strict=True) if keep and k is not None)
    return Part(chosen_plan, taken, tuple(subjects), held, measured)


def cut_at(size: Callable[[int], int], count: int, budget: int, first: int) -> int:
    """The most subjects (1 to `count`) whose `size` is at most `budget`, found by measuring a few counts.

    `size` is a fixed part (`size(0)`: tabs and columns to ensure, the help tab) plus about the same
    for each subject, but not quite: the recap, taken last, weighs some twenty cases. So each guess
    extrapolates from the largest count known to fit, at its average bytes a subject over the fixed part
    (before one fits: from the fixed part, at the average of the smallest count known not to), aiming at
    `AIM` of the budget, kept inside the bracket of the two (just under the one that does not fit when it
    aims past it; the bracket's middle when it aims under the one that fits). It stops at a count
    that fits and fills `FULL` of the budget, at a bracket one apart, or after `STEPS` guesses, taking the
    largest count that fit (at least one).
    """
    fits, fits_size = 0, 0  # the largest count known to fit (0: none known yet)
    over, over_size = count + 1, 0  # the smallest count known not to fit
    guess = min(max(first, 1), count)
    for _ in range(STEPS + 1):
        measured = size(guess)
        if measured <= budget:
            fits, fits_size = guess, measured
            if guess == count or measured >= budget * FULL:
                break
        else:
            over, over_size = guess, measured
        if over - fits <= 1:
            break
        base, base_size = (fits, fits_size) if fits else (over, over_size)
        fixed = size(0)
        each = (base_size - fixed) / base
        aimed = base + int((budget * AIM - base_size) / each) if each > 0 else fits
        guess = over - 1 if aimed >= over else aimed if aimed > fits else (fits + over) // 2
    return max(fits, 1)


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
