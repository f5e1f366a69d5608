"""Where a part is cut (sync/cycle/batches.py `cut_at`): the most subjects whose measured request fits
the budget, filling it to within `FULL`, found by measuring a few counts, not every one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.cycle.batches import FULL, STEPS, cut_at, fit
from sync.cycle.context import Context
from sync.stores.store import AppendRow, WritePlan


def measured(size: Callable[[int], int]) -> tuple[Callable[[int], int], list[int]]:
    """`size`, and the counts it was asked for (the fixed part, count 0, aside)."""
    asked: list[int] = []

    def measure(count: int) -> int:
        if count:
            asked.append(count)
        return size(count)

    return measure, asked


def best(size: Callable[[int], int], count: int, budget: int) -> int:
    return max((n for n in range(1, count + 1) if size(n) <= budget), default=1)


@given(fixed=st.integers(0, 400_000), each=st.integers(2_000, 12_000), count=st.integers(1, 6_000),
       first=st.integers(1, 6_000), recap=st.integers(0, 150_000))
def test_a_part_fills_the_budget_in_a_few_measures(fixed: int, each: int, count: int, first: int,
                                                   recap: int) -> None:
    budget = 2_000_000

    def size(n: int) -> int:  # about linear, with the recap (taken last) much larger than a case
        return fixed + each * n + (n * 7919) % 400 + (recap if n == count else 0)

    measure, asked = measured(size)
    taken = cut_at(measure, count, budget, min(first, count))
    assert 1 <= taken <= count
    assert size(taken) <= budget or taken == 1
    right = best(size, count, budget)
    assert taken == right or size(taken) >= budget * FULL  # all that fits, or a full part
    assert len(asked) <= STEPS + 1


def test_a_part_is_grown_back_from_a_first_guess_far_under_the_budget() -> None:
    measure, asked = measured(lambda n: 2_500 + 5_300 * n)
    taken = cut_at(measure, 5_000, 2_000_000, 42)  # the plan's text suggested 42 cases
    assert 340 <= taken <= 377 and len(asked) <= 3


def test_one_subject_when_even_the_fixed_part_is_over_the_budget() -> None:
    measure, _ = measured(lambda n: 240_000 + 5_000 * n)
    assert cut_at(measure, 100, 200_000, 50) == 1


def test_a_store_that_sends_no_request_gets_its_whole_plan(ctx: Context) -> None:
    plan = WritePlan(tuple(AppendRow(ctx.tabs.register.name, (("ID Kasus", f"SAPA-2026-{n:04d}"),))
                           for n in range(1, 200)))
    part = fit(plan, 10_000, lambda _: None, ctx)
    assert part.plan == plan and not part.cut and part.size is None


@pytest.mark.parametrize("measure_size", [lambda p: 100 * len(p.operations)])
def test_a_measured_plan_is_cut_to_the_budget(ctx: Context, measure_size: Callable[[WritePlan], int]) -> None:
    plan = WritePlan(tuple(AppendRow(ctx.tabs.register.name, (("ID Kasus", f"SAPA-2026-{n:04d}"),))
                           for n in range(1, 200)))
    part = fit(plan, 10_000, measure_size, ctx)
    assert part.cut and part.size is not None and 9_000 <= part.size <= 10_000
    assert part.plan.operations == plan.operations[:part.taken]
