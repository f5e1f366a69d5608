"""The 'Rekap Bulanan' tab: the recap of the current year, from the register as this cycle writes it.

Counts only (rules/recap.py): no name, phone number or address reaches the tab. Its rows are
keyed like every other tab's, so a cycle writes only the figures that changed, and an idle
cycle nothing. A case's facts come from its register row (received, step dates, referral
destination, risk) and its validated answers; first contact is when the Sub Koordinator
reported the WhatsApp confirmation (the case entered Verifikasi), completion when the office's
service ended (the case was referred or closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from rules import values
from rules.complaint import Complaint
from rules.recap import CaseFacts, Recap, facts_of, recap
from rules.recap_table import table_rows
from rules.sla import SlaPolicy
from rules.workflow import INITIAL_STATE, STATE_LABELS
from sync.cycle.context import Context
from sync.cycle.tabs import STEP_DATE, R, V
from sync.cycle.views import risk_of
from sync.stores.store import Value

FIRST_CONTACT = STEP_DATE["verification"]
COMPLETED = (STEP_DATE["referred"], STEP_DATE["closed"])


@dataclass(frozen=True)
class RecapInput:
    """What the recap of any year is made of: one fact per case, and when each review row came in."""

    cases: tuple[CaseFacts, ...]
    reviews: tuple[datetime, ...]

    def recap(self, year: int, ctx: Context, now: datetime) -> Recap:
        settings = ctx.settings
        return recap(self.cases, self.reviews, year, settings.recap.mapping(settings), settings.sla.policy().service,
                     now)


def recap_input(
    register: Mapping[str, Mapping[str, Value]],
    complaints: Mapping[str, Complaint],
    review: Mapping[str, Mapping[str, Value]],
    ctx: Context,
) -> RecapInput:
    """The facts of every case in the register rows and of every review row (both as this cycle writes them)."""
    policy = ctx.settings.sla.policy()
    facts = (case_facts(row, complaints.get(case_id), policy) for case_id, row in register.items())
    received = (_time(row.get(V.RECEIVED)) for row in review.values())
    return RecapInput(tuple(f for f in facts if f is not None), tuple(t for t in received if t is not None))


def case_facts(row: Mapping[str, Value], complaint: Complaint | None, policy: SlaPolicy) -> CaseFacts | None:
    """A case's facts from its register row; None when the row holds no time at all."""
    received = _time(row.get(R.RECEIVED)) or _time(row.get(R.CREATED))
    if received is None:
        return None
    state = values.text(row.get(R.STATE_KEY)) or INITIAL_STATE
    state = state if state in STATE_LABELS else INITIAL_STATE
    ended = [t for h in COMPLETED if (t := _time(row.get(h))) is not None] if state in ("referred", "closed") else []
    return facts_of(
        complaint, received, state,
        destination=values.text(row.get(R.DESTINATION)),
        first_contact=_time(row.get(FIRST_CONTACT)),
        completed=min(ended, default=None),
        risk=risk_of(row.get(R.RISK)),
        policy=policy,
    )


def recap_rows(found: RecapInput, ctx: Context, now: datetime) -> dict[str, dict[str, Value]]:
    """The tab's rows for the year of `now` (naive WIB), by key."""
    result = found.recap(now.year, ctx, now)
    return {row.key: dict(row.cells()) for row in table_rows(result, ctx.settings.sla.service_hours)}


def _time(cell: object) -> datetime | None:
    """A time the worker wrote: a datetime as the cycle holds it, or a cell as read back."""
    if isinstance(cell, datetime):
        return cell
    return values.timestamp(cell, day_first=True) if values.text(cell) else None
