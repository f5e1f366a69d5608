"""The 'Rekap Bulanan' tab: the recap of the current year, from the register as this cycle writes it.

Counts only (rules/recap.py): no name, phone number or address reaches the tab. Its rows are
keyed like every other tab's, so a cycle writes only the figures that changed, and an idle
cycle nothing. A case's facts come from its register row (received, step dates, referral
destination, risk) and its validated answers; first contact is when the Sub Koordinator
reported the WhatsApp confirmation (the case entered Verifikasi), completion when the office's
service ended (the case was referred or closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from rules.recap import CaseFacts, Recap, facts_of, recap
from rules.recap_table import table_rows
from rules.sla import SlaPolicy
from sync.cycle.context import Context
from sync.cycle.records import at
from sync.cycle.tabs import V
from sync.cycle.views import CaseView, received
from sync.stores.store import Value


@dataclass(frozen=True)
class RecapInput:
    """What the recap of any year is made of: one fact per case, and when each review row came in."""

    cases: tuple[CaseFacts, ...]
    reviews: tuple[datetime, ...]

    def recap(self, year: int, ctx: Context, now: datetime) -> Recap:
        settings = ctx.settings
        return recap(self.cases, self.reviews, year, settings.recap.mapping(settings), settings.sla.policy().service,
                     now)


def recap_input(views: Iterable[CaseView], review: Mapping[str, Mapping[str, Value]], ctx: Context) -> RecapInput:
    """The facts of every case (after this cycle's decisions) and of every review row (as this cycle writes it)."""
    policy = ctx.settings.sla.policy()
    facts = (case_facts(view, policy) for view in views)
    times = (at(row.get(V.RECEIVED)) for row in review.values())  # type: ignore[arg-type]
    return RecapInput(tuple(f for f in facts if f is not None), tuple(t for t in times if t is not None))


def case_facts(view: CaseView, policy: SlaPolicy) -> CaseFacts | None:
    """A case's facts: received, first contact (it entered Verifikasi), completed (referred or closed by the
    office); None when the case holds no time at all."""
    record = view.record
    came = at(received(view)) or at(record.created)
    if came is None:
        return None
    state = record.state
    ended = [t for s in COMPLETED if (t := at(record.step(s))) is not None] if state in COMPLETED else []
    return facts_of(
        view.complaint, came, state,
        destination=record.destination,
        first_contact=at(record.step("verification")),
        completed=min(ended, default=None),
        risk=view.triage.level if view.triage else record.risk,
        policy=policy,
    )


COMPLETED = ("referred", "closed")  # the office's service ended


def recap_rows(found: RecapInput, ctx: Context, now: datetime) -> dict[str, dict[str, Value]]:
    """The tab's rows for the year of `now` (naive WIB), by key."""
    result = found.recap(now.year, ctx, now)
    return {row.key: dict(row.cells()) for row in table_rows(result, ctx.settings.sla.service_hours)}
