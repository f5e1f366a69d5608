"""What each worker tab should show, compared with what it holds: only the differences become operations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rules.workflow import STATES, TRANSITIONS
from sync.cycle import notify_step
from sync.cycle.cases_step import Cases
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event
from sync.cycle.gather import Gathered
from sync.cycle.letters_step import LetterPlan, link_cells
from sync.cycle.reconcile import reconcile
from sync.cycle.records import CaseRecord, ReadModel, RoleRow
from sync.cycle.tabs import Layout
from sync.cycle.views import case_info, register_row, role_row
from sync.stores import workspace
from sync.stores.store import Operation, Snapshot, Value

# The states in which each role can act: its tab lists the cases that reached them.
ROLE_STATES: dict[str, set[str]] = {}
for _t in TRANSITIONS:
    ROLE_STATES.setdefault(_t.role, set()).add(_t.from_state)

Rows = dict[str, dict[str, Value]]  # a tab's desired worker cells, by key


def desired_tabs(cases: Cases, staff: Mapping[str, Mapping[str, RoleRow]], letter_plan: LetterPlan, ctx: Context,
                 now: datetime) -> dict[str, Rows]:
    """What the register and each role's tab should show of every case."""
    tabs = ctx.tabs
    desired: dict[str, Rows] = {layout.name: {} for layout in tabs.all}
    messages = cases.messages
    for view in cases.views:
        info = case_info(view, ctx, now) | link_cells(view.case_id, letter_plan)
        desired[tabs.register.name][view.case_id] = register_row(view, info)
        for role, layout in tabs.roles.items():
            if not _belongs(role, view.record, staff[role]):
                continue
            key = (role, view.case_id)
            current = staff[role].get(view.case_id)
            message = messages.get(key, current.message if current else None)
            desired[layout.name][view.case_id] = role_row(layout, view, info, message, ctx)
    return desired


def _belongs(role: str, record: CaseRecord, rows: Mapping[str, RoleRow]) -> bool:
    """A role's tab lists a case once it reached a step where that role can act. The Admin's
    tab lists every case but a historical one, until the Admin types its ID there."""
    if record.case_id in rows:
        return True
    if role == "admin":
        return record.state != "history"
    acts = ROLE_STATES.get(role, set())  # a step the role acts in, reached now or before
    return record.state in acts or any(record.step(s) is not None for s in STATES if s in acts)


def _listed_before(layout: Layout, read: ReadModel, key: str) -> bool:
    """A missing row is "restored" (and logged) only if the last cycle had listed it."""
    record = read.register.get(key)
    if record is None:
        return False
    if layout.role is None:
        return True
    return _belongs(layout.role, record, {})


@dataclass(frozen=True)
class TabsWritten:
    """The operations that make the worker's tabs show what they should, and the rows put back."""

    operations: tuple[Operation, ...]
    events: tuple[Event, ...]  # a row staff deleted that the worker wrote back


def tabs_written(snapshot: Snapshot, got: Gathered, desired: Mapping[str, Rows], letter_plan: LetterPlan,
                 events: Sequence[Event], ctx: Context) -> TabsWritten:
    """Each tab compared with what it should show: only the differences are written."""
    tabs = ctx.tabs
    created = set(got.intake.new_cases) | {e.subject for e in events if e.code == "to_review"}
    operations: list[Operation] = []
    restored: list[Event] = []
    for layout in tabs.all:
        if layout is tabs.log or layout is tabs.outbox:
            continue
        if layout is tabs.recap and got.unread_tab and layout.name in snapshot.tabs:
            continue  # the recap keeps its figures while a tab's answers cannot be read
        table = snapshot.tabs.get(layout.name)
        initial = letter_plan.initial if layout is tabs.agenda else None
        result = reconcile(layout, table, desired.get(layout.name, {}), initial)
        operations.extend(result.operations)
        for key in result.appended:
            if key not in created and table is not None and table.rows and _listed_before(layout, got.read, key):
                restored.append(Event(key, SYSTEM, f"Baris dikembalikan ke tab {layout.name}", "row_restored"))
    return TabsWritten(tuple(operations), tuple(restored))


def finish(operations: Sequence[Operation], snapshot: Snapshot, beat: workspace.Beat | None, ctx: Context,
           now: datetime) -> list[Operation]:
    """The log tab made (or given its look) when anything is written, and the "Diperbarui sistem" time:
    with any write, else only when due (an idle cycle mostly writes nothing). Tabs are made first."""
    log_tab = snapshot.tabs.get(ctx.tabs.log.name)
    extra: list[Operation] = []
    if operations and (log_tab is None or log_tab.stale_look):
        extra.append(ctx.tabs.log.ensure())
    extra += workspace.heartbeat(ctx.tabs.guide.name, beat, ctx.settings, now, busy=bool(operations))
    return extra


def queue_notices(events: Sequence[Event], timed: Sequence[notify_step.Timed], snapshot: Snapshot, ctx: Context,
                  now: datetime) -> list[Operation]:
    """The outbox rows of the notices of this cycle's events not queued before (none without recipients)."""
    layout = ctx.tabs.outbox
    if layout is None:
        return []
    table = snapshot.tabs.get(layout.name)
    rows = notify_step.outbox_rows(events, timed, table, ctx, now)
    return list(reconcile(layout, table, rows).operations) if rows or table is None else []
