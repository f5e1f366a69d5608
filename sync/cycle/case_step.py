"""Moving a case along the procedure from the decisions staff wrote in their tabs.

Each role's row of a case holds a decision and the fields it needs. A decision is
applied once: the register keeps a short key of the last decision applied per
role, and when (`admin=3f2a9c01be@202611211015`), so a decision left in a cell is
not applied again when the case comes back to that role, and the row says it was
applied, and when. A refused decision is not applied, and the row says why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from rules import values
from rules.workflow import (
    QUEUE,
    REFERRAL_STATUSES,
    ROLE_LABELS,
    ROLES,
    STEP_NAMES,
    TRANSITIONS,
    CaseFacts,
    Outcome,
    decide,
    decision_warnings,
    picks,
)
from sync.cycle import monitoring_step
from sync.cycle.context import Context
from sync.cycle.events import Event
from sync.cycle.records import Applied, CaseRecord, RoleRow


@dataclass(frozen=True)
class Advance:
    record: CaseRecord
    messages: Mapping[str, str | None] = field(default_factory=dict)  # role -> its row's message
    events: tuple[Event, ...] = ()
    moved: tuple[str, str] | None = None  # (from, to) when a decision was applied


def advance(
    record: CaseRecord,
    rows: Mapping[str, RoleRow],
    ctx: Context,
    stamp: datetime,
    facts: CaseFacts,
) -> Advance:
    """Apply at most one decision to the case (the queue owner's first); `facts`: what the rules need
    to know of the complaint itself (sexual violence: no mediation)."""
    owner = QUEUE.get(record.state)
    order = [owner] if owner else []
    order += [r for r in ROLES if r != owner]
    step = _Step(record)
    for role in order:
        row = rows.get(role)
        if row is not None:
            step = _judge(step, row, ctx, stamp, facts)
    record = step.record
    referral = _referral(record, rows.get("subkoor"))
    events = step.events
    if referral != record.referral:
        record = replace(record, referral=referral)
        events += (Event(record.case_id, ROLE_LABELS["subkoor"], f"Status rujukan: {record.referral}",
                         "referral_status"),)
    return Advance(record, step.messages, events, step.moved)


@dataclass(frozen=True)
class _Step:
    """A case's advance so far in one cycle: at most one decision applied (`applied`)."""

    record: CaseRecord
    messages: Mapping[str, str | None] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    moved: tuple[str, str] | None = None
    applied: bool = False

    def say(self, role: str, message: str | None) -> _Step:
        return _Step(self.record, {**self.messages, role: message}, self.events, self.moved, self.applied)


def _judge(step: _Step, row: RoleRow, ctx: Context, stamp: datetime, facts: CaseFacts) -> _Step:
    """One role's row of the case: its decision applied, said to be applied already, or refused."""
    role, decision, record = row.role, row.decision, step.record
    if decision is None:
        return step.say(role, None)
    key = decision_key(decision, _needed(role, decision, row.fields))
    warnings = decision_warnings(decision, role, row.fields, facts)
    done = record.applied.get(role)
    if done is not None and done.key == key:
        return step.say(role, _done(decision, record.state, role, done.when, warnings))
    if step.applied:
        return step  # one step per cycle: the next cycle judges it against the new state
    outcome = decide(record.state, role, decision, row.fields, ctx.settings.workflow_options(), facts)
    if outcome.applied and outcome.transition is not None:
        return _apply(step, row, outcome, key, stamp, warnings)
    if outcome.refused:
        return step.say(role, f"{REFUSED} Belum diterapkan. " + outcome.message)
    return step


def _apply(step: _Step, row: RoleRow, outcome: Outcome, key: str, stamp: datetime,
           warnings: tuple[str, ...]) -> _Step:
    """`outcome` applied: the case moves on, or (monitoring, step 7) keeps a record beside its state."""
    assert outcome.transition is not None
    role, decision, before = row.role, row.decision or "", step.record
    record = replace(before, applied=before.applied.with_applied(role, Applied(key, stamp)))
    events: tuple[Event, ...] = ()
    moved = step.moved
    if outcome.state == before.state:  # a record beside the state (monitoring, step 7): the case stays
        record, event = monitoring_step.record_decision(record, outcome.transition, row.fields, stamp)
        events += (event,) if event else ()
    else:
        record = record.entering(outcome.state, stamp)
        if outcome.state == "referred":
            record = replace(record, referral=REFERRAL_STATUSES[0], destination=row.fields.get("lembaga_tujuan"))
        moved = (before.state, outcome.state)
        events += (Event(record.case_id, ROLE_LABELS[role], outcome.transition.decision, "transition",
                         f"{STEP_NAMES[before.state]} → {STEP_NAMES[outcome.state]}"),)
    events += _warned(record.case_id, role, warnings)
    message = _done(decision, record.state, role, stamp, warnings)
    return replace(step, record=record, messages={**step.messages, role: message}, events=step.events + events,
                   moved=moved, applied=True)


def _needed(role: str, decision: str, fields: Mapping[str, str | None]) -> dict[str, str | None]:
    """The fields a decision needs: other fields of the row may change without re-deciding."""
    wanted = {k for t in TRANSITIONS if t.role == role and picks(decision, t.decision) for k in t.required}
    return {k: v for k, v in fields.items() if k in wanted} if wanted else dict(fields)


REFUSED = "✗"  # how a refused decision's message starts (the row stays in the role's queue)
WARNED = "wa_unsafe_contact"  # the log tab's code of a decision applied with a warning


def _done(decision: str, state: str, role: str, when: datetime | None, warnings: tuple[str, ...] = ()) -> str:
    """An applied decision's message: applied, when (office time), and what staff should still know."""
    at = f" {when.day:02d}/{when.month:02d} {when.hour:02d}:{when.minute:02d}" if when else ""
    text = f"✓ Sudah diterapkan{at}: {decision[:60]}."
    if QUEUE.get(state) == role:
        text += " Kasus kembali ke tahap Anda: perbarui isian, lalu pilih keputusan lagi."
    return " ".join((*warnings, text))


def _warned(case_id: str, role: str, warnings: tuple[str, ...]) -> tuple[Event, ...]:
    return tuple(Event(case_id, ROLE_LABELS[role], "Peringatan keputusan", WARNED, w.lstrip("⚠ ")) for w in warnings)


def _referral(record: CaseRecord, row: RoleRow | None) -> str | None:
    """The Sub Koordinator keeps the referral's status (dikirim / diterima / selesai)."""
    if record.state != "referred" or row is None:
        return record.referral
    status = row.referral_status
    return status if status and status != record.referral else record.referral


def decision_key(decision: str, fields: Mapping[str, str | None]) -> str:
    """A short key of a decision and its fields: the same cell content, the same key."""
    content = json.dumps([values.normalize(decision), sorted((k, v or "") for k, v in fields.items())])
    return hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()[:10]
