"""One cycle's decisions, from a snapshot to a write plan. Pure: no I/O, `now` passed in.

Read everything once -> decide here -> write once. The worker's desired content of
every tab is computed from the responses, its own register and the staff's
decisions, then compared with what the tabs hold: only differences are written, so
a cycle with nothing new writes nothing, and a row staff deleted comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rules.complaint import Complaint
from sync.cycle import answer_options, form_structure, notify_step, sheet_zone
from sync.cycle.cases_step import answers_removed, decide_cases, link_duplicates
from sync.cycle.context import Context
from sync.cycle.events import Event, log_rows
from sync.cycle.gather import Gathered, gather
from sync.cycle.letters_step import LetterOrder, LetterPlan, agenda_row, plan_letters
from sync.cycle.recap_step import RecapInput, recap_input, recap_rows
from sync.cycle.review_step import review_rows
from sync.cycle.written import desired_tabs, finish, queue_notices, tabs_written
from sync.stores import workspace
from sync.stores.store import EnsureTab, Snapshot, WritePlan


@dataclass(frozen=True)
class CyclePlan:
    plan: WritePlan
    events: list[Event]
    cases: dict[str, Complaint] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    letters: list[LetterOrder] = field(default_factory=list)
    recap: RecapInput | None = None  # every case's and review row's facts, for the recap of any year

    def count(self, code: str) -> int:
        return sum(1 for e in self.events if e.code == code)


def plan_cycle(
    snapshot: Snapshot, ctx: Context, now: datetime, links: Mapping[str, str] | None = None, *,
    letters: bool = True,
) -> CyclePlan:
    """Decide everything one cycle does. `now` is naive local (WIB) time.

    Letters to draft come back in `CyclePlan.letters`; the cycle drafts them and plans
    again with their `links` (the same decisions, now with the documents' links).
    `letters=False` plans no letter at all (for a run without a document writer).
    """
    got = gather(snapshot, ctx, now)
    cases = decide_cases(got, ctx)
    cases, duplicate_events = link_duplicates(cases, got.intake.new_cases, got.duplicates)
    letter_plan = plan_letters({v.case_id: v for v in cases.views}, cases.moves, got.read.agenda, links or {},
                               ctx, now) if letters else \
        LetterPlan(rows={k: agenda_row(e) for k, e in got.read.agenda.items()})
    review, review_events = review_rows(got, ctx)
    desired = desired_tabs(cases, got.read.staff, letter_plan, ctx, now)
    desired[ctx.tabs.agenda.name] = letter_plan.rows
    desired[ctx.tabs.review.name] = review
    recap = recap_input(cases.views, review, ctx)
    desired[ctx.tabs.recap.name] = recap_rows(recap, ctx, now)
    desired[ctx.tabs.guide.name] = workspace.guide_rows(got.read.beat, ctx.settings, now)
    timed = notify_step.timed(cases.views, ctx, now) if ctx.tabs.outbox is not None else []
    events = [*got.intake.events, *cases.events, *duplicate_events, *letter_plan.events, *review_events]
    if ctx.tabs.outbox is not None:  # the events only a notifying office needs, each logged once
        events += notify_step.cycle_events(timed, cases.messages, got.read.staff, got.read.log, ctx, now)
    tabs = tabs_written(snapshot, got, desired, letter_plan, events, ctx)
    events, removed = answers_removed([*events, *tabs.events])
    findings = Findings.of(snapshot, got, ctx, now)
    events += form_structure.log_events(findings.messages, got.read.log)
    operations = [*got.intake.marks, *tabs.operations, *queue_notices(events, timed, snapshot, ctx, now),
                  *log_rows(events, ctx, got.stamp)]
    operations += finish(operations, snapshot, got.read.beat, ctx, now)
    operations.sort(key=lambda op: not isinstance(op, EnsureTab))  # tabs first, order kept
    return CyclePlan(WritePlan(tuple(operations)), events, cases.complaints, findings.problems + removed,
                     letter_plan.orders, recap=recap)


@dataclass(frozen=True)
class Findings:
    """What the office must fix in its form or spreadsheet: in Indonesian for the log tab and `status`,
    in English for the program log."""

    messages: list[str]
    problems: list[str]

    @classmethod
    def of(cls, snapshot: Snapshot, got: Gathered, ctx: Context, now: datetime) -> Findings:
        structure = list(got.structure)
        answers = answer_options.find(got.intake.owner.items(), ctx)  # reworded options
        zone = snapshot.time_zone  # the spreadsheet's time zone
        return cls(
            form_structure.messages(structure, ctx) + answer_options.messages(answers, ctx)
            + sheet_zone.messages(zone, ctx, now),
            form_structure.problems(structure, ctx) + answer_options.problems(answers, ctx)
            + sheet_zone.problems(zone, ctx, now),
        )
