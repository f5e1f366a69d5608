"""The Admin's review tab as this cycle writes it: each review row, restored when staff deleted it.
"""

from __future__ import annotations

from dataclasses import replace

from rules.intake import review_reason
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event
from sync.cycle.gather import Gathered
from sync.cycle.identify import Response
from sync.cycle.intake_step import PENDING
from sync.cycle.records import ReviewEntry
from sync.cycle.tabs import V
from sync.cycle.written import Rows
from sync.stores.text import cell_text


def review_rows(got: Gathered, ctx: Context) -> tuple[Rows, list[Event]]:
    """The Admin's review tab: each review row, restored when staff deleted it while its response is there."""
    review, changes, owner = got.read.review, got.intake.review, got.intake.owner
    rows: Rows = {}
    events: list[Event] = []
    for review_id in sorted(set(review) | {i for i in owner if ctx.review_ids.parse(i)} | set(changes)):
        entry = changes.get(review_id) or review.get(review_id) or ReviewEntry(review_id)
        response = owner.get(review_id)
        if review_id not in review and review_id not in changes and response is not None:
            reason = review_reason(response.answers, ctx.spec, response.unreadable) or "Dipulihkan; mohon tinjau ulang."
            entry = replace(entry, reason=reason, status=PENDING)
            events.append(Event(review_id, SYSTEM, "Baris tinjauan dipulihkan", "review_restored"))
        rows[review_id] = {
            V.ID: review_id,
            V.RECEIVED: response.submitted if response else entry.received,
            V.REASON: cell_text(entry.reason),
            V.SUMMARY: summary(response, ctx) if response else entry.summary,
            V.STATUS: cell_text(entry.status) or PENDING,
            V.FINGERPRINT: response.fingerprint if response else entry.fingerprint,
        }
    return rows, events


def summary(response: Response, ctx: Context) -> str | None:
    """The non-blank answers, "Question: answer" per line, cut to a readable length."""
    lines = [f"{ctx.spec.questions[name]}: {text[:300]}" for name, text in response.texts.items()
             if text and name != "timestamp"]
    lines += [f"{title}: {text[:300]}" for title, text in response.other]
    return cell_text("\n".join(lines), limit=2000) if lines else None
