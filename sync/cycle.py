"""One cycle: read the spreadsheet once, decide in pure code, write once."""

from __future__ import annotations

import logging
from datetime import datetime

from sync.context import Context
from sync.plan import CyclePlan, plan_cycle
from sync.store import Store

log = logging.getLogger(__name__)


def run_cycle(store: Store, ctx: Context, now: datetime) -> CyclePlan:
    """Run one cycle at `now` (aware). Logs counts and IDs only, never personal data."""
    snapshot = store.read([layout.name for layout in ctx.tabs.all])
    result = plan_cycle(snapshot, ctx, ctx.local_time(now))
    for problem in result.problems:
        log.warning(problem)
    if result.plan:
        store.write(result.plan)
    created = sorted(e.subject for e in result.events if e.code == "case_created")
    log.info(
        "cycle done: %d responses, %d new cases%s, %d to review, %d writes",
        len(snapshot.responses.rows),
        len(created),
        f" ({', '.join(created[:10])}{', ...' if len(created) > 10 else ''})" if created else "",
        result.count("to_review"),
        len(result.plan.operations),
    )
    return result
