"""One cycle: read the spreadsheet once, decide in pure code, draft letters, write once."""

from __future__ import annotations

import logging
from datetime import datetime

from letters.writer import LetterWriter
from sync.context import Context
from sync.plan import CyclePlan, plan_cycle
from sync.store import Store

log = logging.getLogger(__name__)


def run_cycle(store: Store, ctx: Context, now: datetime, writer: LetterWriter | None = None) -> CyclePlan:
    """Run one cycle at `now` (aware). Logs counts and IDs only, never personal data.

    Letters are drafted before the sheet write, and the write links them; without a
    `writer` no letter is planned. A letter drafted again under the same key replaces
    its document, so a crash between drafting and writing never leaves two.
    """
    snapshot = store.read([layout.name for layout in ctx.tabs.all])
    local_now = ctx.local_time(now)
    result = plan_cycle(snapshot, ctx, local_now, letters=writer is not None)
    if result.letters and writer is not None:
        links = {order.key: writer.draft(order) for order in result.letters}
        result = plan_cycle(snapshot, ctx, local_now, links)
    for problem in result.problems:
        log.warning(problem)
    if result.plan:
        store.write(result.plan)
    settled = getattr(writer, "settled", None)
    if settled is not None:
        settled()
    created = sorted(e.subject for e in result.events if e.code == "case_created")
    log.info(
        "cycle done: %d responses, %d new cases%s, %d to review, %d decisions applied, %d letters, %d writes",
        sum(len(t.rows) for t in snapshot.response_tabs),
        len(created),
        f" ({', '.join(created[:10])}{', ...' if len(created) > 10 else ''})" if created else "",
        result.count("to_review"),
        result.count("transition"),
        len(result.letters),
        len(result.plan.operations),
    )
    return result
