"""One cycle: read the spreadsheet once, decide in pure code, draft letters, write once.

A write never sends a request over `worker.max_request_bytes`: a plan whose request would be larger
is written in part (whole cases, oldest first, as many as fill the budget; see sync/cycle/batches.py)
and the cycle says so (`more`); `run_cycles` then starts the next cycle at once, which plans the rest
from a fresh read. If Google still refuses the write as too large, the cycle reads again and writes a
part half as large. A store that sends no request (the local workbook) writes its whole plan at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Protocol

from letters.writer import LetterWriter
from sync.cycle.batches import Part, fit
from sync.cycle.context import Context
from sync.cycle.plan import CyclePlan, plan_cycle
from sync.cycle.register_guard import require_register
from sync.cycle.tabs import Layout
from sync.stores.refusals import PayloadTooLarge, RequestRefused
from sync.stores.responses import require_headers
from sync.stores.store import Snapshot, Store, WritePlan

log = logging.getLogger(__name__)

SHRINKS = 12  # halvings of a write Google refuses as too large, before giving up for this cycle
FOLLOW_UPS = 100  # cycles `run_cycles` runs back to back while each leaves the rest of its plan


@dataclass(frozen=True)
class CycleResult(CyclePlan):
    """What a cycle planned and wrote (`plan`, `events`: the part written); `more`: a part is left."""

    more: bool = False


class AfterWrite(Protocol):
    """What runs once the cycle's write has landed: the notifications' sender (sync/notify/sender.py)."""

    def after_write(self, store: Store, snapshot: Snapshot, plan: WritePlan, layout: Layout,
                    now: datetime) -> object: ...


def run_cycle(store: Store, ctx: Context, now: datetime, writer: LetterWriter | None = None, *,
              rebuild_lost: bool = False, sender: AfterWrite | None = None) -> CycleResult:
    """Run one cycle at `now` (aware). Logs counts and IDs only, never personal data.

    A register that lost cases stops the cycle (RegisterLost) unless `rebuild_lost`: the operator's
    choice, when no backup holds them, to rebuild them from their responses at the Admin's intake.

    Letters are drafted before the sheet write, and the write links them; without a
    `writer` no letter is planned. A letter drafted again under the same key replaces
    its document, so a crash between drafting and writing never leaves two.
    """
    budget = ctx.settings.worker.max_request_bytes
    for _ in range(SHRINKS):
        snapshot = store.read([layout.name for layout in ctx.tabs.all])
        require_headers(snapshot.response_tabs)
        if not rebuild_lost:
            require_register(snapshot, ctx)  # a register that lost cases is restored by people, not rebuilt
        result, part = _plan(store, snapshot, ctx, now, writer, budget)
        try:
            if part.plan:
                store.write(part.plan)
        except PayloadTooLarge:
            if part.taken <= 1:
                raise RequestRefused(
                    f"Google refused the cycle's write as too large ({part.size} bytes) although it holds "
                    "the changes of one case only. Nothing of it was applied. Please report this message "
                    "(it holds no personal data)."
                ) from None
            budget = (part.size or budget) // 2
            log.info("Google refused a write of %d bytes as too large: writing at most %d bytes", part.size, budget)
            continue
        break
    else:
        raise RequestRefused("Google refused every smaller write as too large; nothing was applied. "
                             "Please report this message (it holds no personal data).")
    if writer is not None:
        writer.settled()
    if sender is not None and ctx.tabs.outbox is not None:  # after the write: a crash before leaves them waiting
        sender.after_write(store, snapshot, part.plan, ctx.tabs.outbox, ctx.local_time(now))
    done = _written(result, part, ctx)
    _report(snapshot, done, part)
    return done


def run_cycles(cycle: Callable[[], CycleResult], limit: int = FOLLOW_UPS) -> CycleResult:
    """Run `cycle` again at once while each one leaves part of its plan for the next (at most `limit`)."""
    result = cycle()
    for _ in range(limit - 1):
        if not result.more:
            break
        result = cycle()
    return result


def _plan(
    store: Store, snapshot: Snapshot, ctx: Context, now: datetime, writer: LetterWriter | None, budget: int
) -> tuple[CyclePlan, Part]:
    """The cycle's plan and the part of it to write; letters are drafted only for that part."""
    local_now = ctx.local_time(now)
    measure = store.request_bytes
    result = plan_cycle(snapshot, ctx, local_now, letters=writer is not None)
    part = fit(result.plan, budget, measure, ctx)
    if result.letters and writer is not None:
        links = {order.key: writer.draft(order) for order in result.letters if part.holds(order.case_id, ctx)}
        result = plan_cycle(snapshot, ctx, local_now, links)
        part = fit(result.plan, budget, measure, ctx, most=part.taken)
    for problem in result.problems:
        log.warning(problem)
    return result, part


def _written(result: CyclePlan, part: Part, ctx: Context) -> CycleResult:
    """The cycle's result as far as it was written: the part's operations, events and letters."""
    planned = {f.name: getattr(result, f.name) for f in fields(CyclePlan)}
    if part.cut:
        planned["events"] = [e for e in result.events if part.holds(e.subject, ctx)]
        planned["letters"] = [order for order in result.letters if part.holds(order.case_id, ctx)]
    return CycleResult(**planned | {"plan": part.plan}, more=part.cut)


def _report(snapshot: Snapshot, result: CycleResult, part: Part) -> None:
    created = sorted(e.subject for e in result.events if e.code == "case_created")
    log.info(
        "cycle done: %d responses, %d new cases%s, %d to review, %d decisions applied, %d letters, %d writes%s",
        sum(len(t.rows) for t in snapshot.response_tabs),
        len(created),
        f" ({', '.join(created[:10])}{', ...' if len(created) > 10 else ''})" if created else "",
        result.count("to_review"),
        result.count("transition"),
        len(result.letters),
        len(result.plan.operations),
        f" ({part.size or 0} bytes; {len(part.subjects) - part.taken} cases and reviews left for the next cycle)"
        if part.cut else "",
        extra={"fields": _counts(snapshot, result, part, created)},
    )


def _counts(snapshot: Snapshot, result: CycleResult, part: Part, created: list[str]) -> dict[str, int]:
    """The cycle line's figures as fields (`--log-json`): counts only, no case contents."""
    return {
        "responses": sum(len(t.rows) for t in snapshot.response_tabs),
        "new_cases": len(created),
        "to_review": result.count("to_review"),
        "decisions_applied": result.count("transition"),
        "letters": len(result.letters),
        "writes": len(result.plan.operations),
        "left_for_next_cycle": len(part.subjects) - part.taken if part.cut else 0,
    }
