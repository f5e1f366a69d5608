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
from dataclasses import dataclass, field
from datetime import datetime

from rules import values
from rules.workflow import (
    FIELD_LABELS,
    INITIAL_STATE,
    QUEUE,
    REFERRAL_STATUSES,
    ROLE_LABELS,
    ROLES,
    STATE_LABELS,
    STEP_NAMES,
    TRANSITIONS,
    CaseFacts,
    decide,
    decision_warnings,
    picks,
)
from sync.cycle import monitoring_step
from sync.cycle.context import Context
from sync.cycle.events import Event, Record
from sync.cycle.tabs import STEP_DATE, I, R, role_fields


@dataclass
class Advance:
    record: Record
    messages: dict[str, str | None] = field(default_factory=dict)  # role -> its row's message
    events: list[Event] = field(default_factory=list)
    moved: tuple[str, str] | None = None  # (from, to) when a decision was applied


def state_of(record: Mapping[str, object]) -> str:
    state = values.text(record.get(R.STATE_KEY)) or INITIAL_STATE
    return state if state in STATE_LABELS else INITIAL_STATE


def staff_fields(role: str, row: Mapping[str, object]) -> dict[str, str | None]:
    return {key: values.text(row.get(FIELD_LABELS[key])) for key in role_fields(role)}


def advance(
    case_id: str,
    record: Record,
    rows: Mapping[str, Mapping[str, object]],
    ctx: Context,
    stamp: datetime,
    facts: CaseFacts,
) -> Advance:
    """Apply at most one decision to the case (the queue owner's first); `facts`: what the rules need
    to know of the complaint itself (sexual violence: no mediation)."""
    out = Advance(dict(record))
    state = state_of(record)
    applied = _parse_applied(record.get(R.APPLIED))
    owner = QUEUE.get(state)
    order = [owner] if owner else []
    order += [r for r in ROLES if r != owner]
    moved = False
    for role in order:
        row = rows.get(role)
        if row is None:
            continue
        decision = values.text(row.get(I.DECISION))
        if decision is None:
            out.messages[role] = None
            continue
        fields = staff_fields(role, row)
        key = decision_key(decision, _needed(role, decision, fields))
        warnings = decision_warnings(decision, role, fields, facts)
        if applied.get(role, ("", None))[0] == key:
            out.messages[role] = _done(decision, state, role, applied[role][1], warnings)
            continue
        if moved:
            continue  # one step per cycle: the next cycle judges it against the new state
        outcome = decide(state, role, decision, fields, ctx.settings.workflow_options(), facts)
        if outcome.applied and outcome.transition is not None and outcome.state == state:
            # a record beside the state (monitoring, step 7): kept, the case stays where it is
            moved = True
            applied[role] = (key, stamp)
            out.messages[role] = _done(decision, state, role, stamp, warnings)
            event = monitoring_step.record_decision(case_id, out.record, outcome.transition, fields, stamp)
            out.events += [event] if event else []
            out.events += _warned(case_id, role, warnings)
        elif outcome.applied and outcome.transition is not None:
            before, state, moved = state, outcome.state, True
            out.moved = (before, state)
            applied[role] = (key, stamp)
            out.record |= {R.STATE_KEY: state, R.ENTERED: stamp, STEP_DATE[state]: stamp}
            if state == "referred":
                out.record |= {R.REFERRAL: REFERRAL_STATUSES[0], R.DESTINATION: fields.get("lembaga_tujuan")}
            out.messages[role] = _done(decision, state, role, stamp, warnings)
            out.events.append(Event(
                case_id, ROLE_LABELS[role], outcome.transition.decision,
                "transition", f"{STEP_NAMES[before]} → {STEP_NAMES[state]}",
            ))
            out.events += _warned(case_id, role, warnings)
        elif outcome.refused:
            out.messages[role] = f"{REFUSED} Belum diterapkan. " + outcome.message
    out.record[R.APPLIED] = _format_applied(applied)
    _follow_referral(case_id, state, rows.get("subkoor"), out)
    return out


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


def _warned(case_id: str, role: str, warnings: tuple[str, ...]) -> list[Event]:
    return [Event(case_id, ROLE_LABELS[role], "Peringatan keputusan", WARNED, w.lstrip("⚠ ")) for w in warnings]


def _follow_referral(case_id: str, state: str, row: Mapping[str, object] | None, out: Advance) -> None:
    """The Sub Koordinator keeps the referral's status (dikirim / diterima / selesai)."""
    if state != "referred" or row is None:
        return
    typed = values.text(row.get(FIELD_LABELS["status_rujukan"]))
    status = next((s for s in REFERRAL_STATUSES if typed and values.normalize(s) == values.normalize(typed)), None)
    if status and status != values.text(out.record.get(R.REFERRAL)):
        out.record[R.REFERRAL] = status
        out.events.append(Event(case_id, ROLE_LABELS["subkoor"], f"Status rujukan: {status}", "referral_status"))


def decision_key(decision: str, fields: Mapping[str, str | None]) -> str:
    """A short key of a decision and its fields: the same cell content, the same key."""
    content = json.dumps([values.normalize(decision), sorted((k, v or "") for k, v in fields.items())])
    return hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()[:10]


Applied = tuple[str, datetime | None]  # a decision's key, and when it was applied (unknown from older workers)
_WHEN = "%Y%m%d%H%M"


def _parse_applied(text: object) -> dict[str, Applied]:
    pairs = (part.split("=", 1) for part in (values.text(text) or "").split(";") if "=" in part)
    return {role.strip(): _applied(value) for role, value in pairs if role.strip() in ROLE_LABELS}


def _applied(value: str) -> Applied:
    key, _, when = value.strip().partition("@")
    try:
        return key, datetime.strptime(when, _WHEN) if when else None
    except ValueError:
        return key, None


def _format_applied(applied: Mapping[str, Applied]) -> str | None:
    def one(role: str) -> str:
        key, when = applied[role]
        return f"{role}={key}@{when.strftime(_WHEN)}" if when else f"{role}={key}"

    return ";".join(one(role) for role in ROLES if role in applied) or None


def parse_time(value: object) -> datetime | None:
    """A time the worker wrote (`2026-11-28 14:03`), or a date cell staff typed."""
    return values.timestamp(value, day_first=True)

