"""What the cycle tells people (issue 24): its events, as messages queued in the outbox tab.

The plan's half of notifying, pure like the plan: the events only a notifying office needs
(a deadline nearly or already missed, a decision refused, the daily digest), each logged
once; then every event of the cycle becomes the notices of `rules.notices`, and each notice
not yet in the outbox becomes a row there, "menunggu", written with the cycle. The sender
(sync/notify/sender.py) sends the waiting rows once that write has landed, and marks them.
So a crash between the write and the sends sends them at the next cycle, and a notice is
queued once: its key is in the outbox from then on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rules.dates_id import short_moment
from rules.notices import CaseBrief, Happening, default_policy, notices
from rules.sla import Deadline
from rules.workflow import QUEUE, ROLE_LABELS, STEP_NAMES
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event
from sync.cycle.records import LogEntry, OutboxEntry, RoleRow, at, outbox_entries
from sync.cycle.tabs import N
from sync.cycle.views import CaseView, clock
from sync.stores.store import Table, Value

WAITING, SENT, GAVE_UP = "menunggu", "terkirim", "gagal"
DEADLINE_NEAR, DEADLINE_MISSED, REFUSED, DIGEST = "deadline_near", "deadline_missed", "decision_refused", "daily_digest"
_ROLE_KEYS = {label: key for key, label in ROLE_LABELS.items()}


@dataclass(frozen=True)
class Timed:
    """A case with its running clock, worked out once a cycle for its events and its messages."""

    view: CaseView
    due: Deadline | None
    status: str | None


def timed(views: Sequence[CaseView], ctx: Context, now: datetime) -> list[Timed]:
    return [Timed(view, *clock(view, ctx, now)) for view in views]


def cycle_events(cases: Sequence[Timed], messages: Mapping[tuple[str, str], str | None],
                 shown: Mapping[str, Mapping[str, RoleRow]], log: Sequence[LogEntry], ctx: Context,
                 now: datetime) -> list[Event]:
    """The events only a notifying office needs, each logged once (the log is read once for them)."""
    said = _logged(log, (DEADLINE_NEAR, DEADLINE_MISSED, DIGEST))
    return [*_deadline_events(cases, said), *_refused_events(messages, shown), *_digest_event(said, ctx, now)]


def _deadline_events(cases: Sequence[Timed], said: set[tuple[str, str, str]]) -> list[Event]:
    """A case whose step's deadline is nearly or already missed: logged once per step and deadline."""
    out: list[Event] = []
    for case in cases:
        if case.due is None or case.status not in ("hampir_terlambat", "terlambat"):
            continue
        code = DEADLINE_MISSED if case.status == "terlambat" else DEADLINE_NEAR
        case_id = case.view.case_id
        detail = f"{STEP_NAMES[case.view.record.state]}; {case.due.label} {short_moment(case.due.due)}"
        if (code, case_id, detail) in said or (DEADLINE_MISSED, case_id, detail) in said:
            continue
        action = "Batas waktu terlewat" if code == DEADLINE_MISSED else "Batas waktu hampir habis"
        out.append(Event(case_id, SYSTEM, action, code, detail))
    return out


def _refused_events(messages: Mapping[tuple[str, str], str | None],
                    shown: Mapping[str, Mapping[str, RoleRow]]) -> list[Event]:
    """A decision the worker refused (a ✗ in Pesan Sistem) that the role's tab did not show yet."""
    out = []
    for (role, case_id), message in sorted(messages.items()):
        if not message or not message.startswith("✗"):
            continue
        row = shown.get(role, {}).get(case_id)
        if row is not None and row.message == message:
            continue
        out.append(Event(case_id, ROLE_LABELS[role], "Keputusan belum diterapkan", REFUSED, message[:300]))
    return out


def _digest_event(said: set[tuple[str, str, str]], ctx: Context, now: datetime) -> list[Event]:
    """The daily digest, once a day from `notify.digest_at`."""
    at = ctx.settings.notify.digest_at
    day = f"{now:%Y-%m-%d}"
    if at is None or now.time() < at or (DIGEST, "", day) in said:
        return []
    return [Event("", SYSTEM, "Ringkasan harian", DIGEST, day)]


def outbox_rows(events: Iterable[Event], cases: Sequence[Timed], current: Table | None, ctx: Context,
                now: datetime) -> dict[str, dict[str, Value]]:
    """The outbox rows of the notices of the cycle's events not queued before, by key."""
    briefs = {case.view.case_id: _brief(case) for case in cases}
    happenings = [Happening(e.code, e.subject, _role(e, briefs), e.detail) for e in events]
    found = notices(happenings, briefs, default_policy(tab_links(ctx)), now)
    queued = _keys(current)
    stamp = now.replace(second=0, microsecond=0)
    return {
        n.key: {N.KEY: n.key, N.CREATED: stamp, N.TO: ", ".join(ROLE_LABELS.get(a, "Operator") for a in n.audience),
                N.URGENT: "Ya" if n.urgent else None, N.TEXT: n.text, N.STATUS: WAITING, N.DELIVERED: None,
                N.ATTEMPTS: 0, N.LAST: None, N.NOTE: None}
        for n in found if n.key not in queued
    }


def tab_links(ctx: Context) -> dict[str, str]:
    """Where each role's tab is, as a message names it: the spreadsheet's address, or the workbook's name."""
    settings = ctx.settings
    if settings.store.backend == "google" and settings.google.spreadsheet_id:
        where = f"https://docs.google.com/spreadsheets/d/{settings.google.spreadsheet_id}/edit"
    else:
        where = settings.store.workbook.name if settings.store.workbook else ""
    tabs = {**{role: layout.name for role, layout in ctx.tabs.roles.items()}, "review": ctx.tabs.review.name}
    return {key: f"'{name}'" + (f" di {where}" if where else "") for key, name in tabs.items()}


def _brief(case: Timed) -> CaseBrief:
    """What a message may say of a case: its ID, risk, step and deadline; nothing personal."""
    view = case.view
    state = view.record.state
    risk = view.triage.label if view.triage else view.record.risk_label
    return CaseBrief(view.case_id, risk, state, QUEUE.get(state), case.due.due if case.due else None,
                     at(view.record.entered), late=case.status == "terlambat",
                     nearly_late=case.status == "hampir_terlambat")


def audience_roles(text: str | None) -> tuple[str, ...]:
    """The role keys of an outbox row's "Untuk" cell ("Admin, Sub Koordinator" -> admin, subkoor)."""
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    return tuple(_ROLE_KEYS.get(n, "operator") for n in names)


def _role(event: Event, briefs: Mapping[str, CaseBrief]) -> str | None:
    if event.code == REFUSED:
        return _ROLE_KEYS.get(event.role)
    found = briefs.get(event.subject)
    return found.queue_role if found else None


def _logged(log: Sequence[LogEntry], codes: tuple[str, ...]) -> set[tuple[str, str, str]]:
    return {(e.code, e.subject or "", e.detail or "") for e in log if e.code in codes and e.code is not None}


def _keys(table: Table | None) -> set[str]:
    return {e.key for e in outbox_entries(table) if e.key}


def waiting(table: Table | None) -> list[OutboxEntry]:
    """The outbox's messages still to send."""
    return [e for e in outbox_entries(table) if e.status == WAITING]
