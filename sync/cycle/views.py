"""What each tab's row of a case shows: computed from the response, the register and
the fields other roles filled. Pure; `now` is passed in.

Nothing shown changes with the clock alone but the time status ("Hampir terlambat",
"Terlambat") at its thresholds: the deadline is a date cell the sheet itself compares
with NOW(), so a cycle with nothing new has nothing to write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from rules.complaint import Complaint
from rules.sla import CLOCK_LABELS, Deadline, clock_status, deadlines, most_urgent
from rules.triage import Triage
from rules.whatsapp import WhatsAppContact, link_label
from rules.workflow import FIELD_LABELS, QUEUE, ROLES, STATE_LABELS
from sync.cycle import monitoring_step
from sync.cycle.case_step import REFUSED
from sync.cycle.context import Context
from sync.cycle.identify import Response
from sync.cycle.records import CaseRecord, Moment, RoleRow, at, register_cells
from sync.cycle.tabs import I, Layout, R, role_fields
from sync.stores import workspace
from sync.stores.store import Link, Value
from sync.stores.text import cell_text


@dataclass(frozen=True)
class CaseView:
    case_id: str
    record: CaseRecord  # the register row after this cycle's decisions
    response: Response | None
    complaint: Complaint | None
    triage: Triage | None
    contact: WhatsAppContact | None
    rows: Mapping[str, RoleRow]  # role -> that role's row of the case
    kept: frozenset[str] = frozenset()  # columns whose question went missing: the tabs keep what they show


# The columns each question's answer shows in; a column the form lost keeps what it showed.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "timestamp": (I.RECEIVED,),
    "channel": (I.CHANNEL,),
    "reporter_name": (I.REPORTER,),
    "reporter_relation": (I.RELATION,),
    "reporter_phone": (I.PHONE, I.WA_LINK, I.WA_NOTE),
    "wa_safe": (I.WA_SAFE, I.WA_LINK, I.WA_NOTE),
    "wa_safe_time": (I.WA_SAFE, I.WA_NOTE),
    "victim_name": (I.VICTIM,),
    "victim_sex": (I.SEX,),
    "victim_age": (I.AGE,),
    "victim_disability": (I.DISABILITY,),
    "kecamatan": (I.KECAMATAN, I.KELURAHAN),
    "kelurahan": (I.KELURAHAN,),
    "victim_address": (I.ADDRESS,),
    "violence_types": (I.VIOLENCE,),
    "incident_place": (I.PLACE,),
    "incident_date": (I.DATE,),
    "perpetrator_relation": (I.PERPETRATOR,),
    "story": (I.STORY,),
    "in_danger": (I.DANGER,),
    "urgent_needs": (I.NEEDS,),
    "consent": (I.CONSENT,),
}
TIME_HEADERS = frozenset({I.RECEIVED, I.DUE})  # shown as date cells
KEPT_RISK = "Risiko tercatat sebelumnya dipertahankan (kolom jawaban hilang dari tab respons)"


def unread_headers(fields: Iterable[str]) -> frozenset[str]:
    """The tab columns that show the answers of `fields`, plus the validation notes."""
    return frozenset(h for f in fields for h in FIELD_HEADERS.get(f, ())) | {I.WARNINGS}


def clock(view: CaseView, ctx: Context, now: datetime) -> tuple[Deadline | None, str | None]:
    received = ((view.complaint.submitted_at if view.complaint else None) or at(view.record.received)
                or at(view.record.created))
    level = view.triage.level if view.triage else view.record.risk  # no response: the risk recorded
    return case_clock(received, level, view.record, ctx, now)


def case_clock(
    received: datetime | None, level: str | None, record: CaseRecord, ctx: Context, now: datetime
) -> tuple[Deadline | None, str | None]:
    """The deadline that runs out first, and its status key, or (None, None) when none runs."""
    if received is None:
        return None, None
    if record.step("history") is not None:  # a complaint from before the worker: timed from when
        received = at(record.step("intake")) or received  # the Admin brought it in
    policy = ctx.settings.sla.policy()
    found = deadlines(received, level, record.state, at(record.entered), policy)
    due = most_urgent(found)
    if due is None:
        return None, None
    return due, clock_status(now, due.start, due.due, policy.warn_fraction)


def received(view: CaseView) -> Moment:
    """When the case came in, as the register shows it: the response's time, else the time recorded."""
    if view.complaint is None or R.RECEIVED in view.kept:
        return view.record.received
    return view.complaint.submitted_at


def register_row(view: CaseView, info: Mapping[str, Value]) -> dict[str, Value]:
    """The register's row of a case; `info` is `case_info` of the same view."""
    record, complaint = view.record, view.complaint
    row = register_cells(record)
    row |= {R.RECEIVED: received(view), R.DUE: info.get(I.DUE), R.CLOCK: info.get(I.CLOCK),
            R.MONITORING: info.get(I.MONITORING)}
    if complaint is not None:
        row |= {R.CHANNEL: complaint.channel, R.WARNINGS: len(complaint.warnings)}
    if view.triage is not None:
        row[R.RISK] = view.triage.label
    if R.CHANNEL in view.kept:
        row[R.CHANNEL] = record.channel
    if I.WARNINGS in view.kept:  # the notes the tabs keep showing: their count with them
        row[R.WARNINGS] = record.warnings
    return row


def role_row(
    layout: Layout, view: CaseView, case: Mapping[str, Value], message: str | None, ctx: Context
) -> dict[str, Value]:
    """A role tab's row of a case, from `case_info` (computed once per case for every tab)."""
    info = dict(case)
    turn = layout.role is not None and QUEUE.get(view.record.state) == layout.role
    if layout.role == "konselor":  # the Konselor's deadline is the next follow-up, beside the case's state
        info |= {I.DUE: info.get(MONITORING_DUE), I.CLOCK: info.get(MONITORING_CLOCK)}
        turn = bool(info.get(MONITORING_TURN))
    refused = bool(message and message.startswith(REFUSED))  # stays in the role's view until corrected
    info[I.TURN] = workspace.YES if turn else workspace.CHECK if refused else None
    info[I.MESSAGE] = message
    if view.complaint is None:  # the response row is gone: keep what the tab shows
        keep = (I.ID, I.RISK, I.STATE, I.TURN, I.DUE, I.CLOCK, I.MESSAGE)
        return {h: info.get(h) for h in keep}
    limit = ctx.settings.intake.max_cell_chars
    return {h: _shown(view, layout.role, h, info) if h in view.kept else _cut(info.get(h), limit)
            for h in layout.worker}


def _shown(view: CaseView, role: str | None, header: str, info: Mapping[str, Value]) -> Value:
    """What the tabs show in `header` for the case: this role's row first, then any other's."""
    rows = [view.rows.get(role or ""), *view.rows.values()]
    shown = next((r for r in rows if r and r.filled(header)), None)
    if shown is None:  # no answer was shown: the new reading, but validation notes stay as they were (none)
        return None if header == I.WARNINGS and any(rows) else info.get(header)
    return shown.shown(header, time=header in TIME_HEADERS)


def case_info(view: CaseView, ctx: Context, now: datetime) -> dict[str, Value]:
    """Everything any tab may show of a case, by column header."""
    due, status = clock(view, ctx, now)
    record = view.record
    info: dict[str, Value] = {
        I.ID: view.case_id,
        I.RISK: view.triage.label if view.triage else record.risk_label,
        I.STATE: STATE_LABELS[record.state],
        I.DUE: due.due if due else None,
        I.CLOCK: CLOCK_LABELS[status] if status else None,  # type: ignore[index]
        I.DUPLICATES: record.duplicates,
        I.EDITED: record.edited,
    }
    for role, labels in _FILLED:  # what other roles filled in, for the roles that build on it
        row = view.rows.get(role)
        for label in labels:
            info.setdefault(label, row.filled(label) if row else None)
    info |= monitoring_info(view, ctx, now)
    c, response = view.complaint, view.response
    if c is None or response is None:
        return info
    raw = response.texts
    contact = view.contact
    info |= {
        I.RECEIVED: c.submitted_at,
        I.CHANNEL: c.channel,
        I.REPORTER: c.reporter_name or "Anonim",
        I.RELATION: c.reporter_relation,
        I.PHONE: c.reporter_phone or c.reporter_phone_raw,
        I.WA_SAFE: " — ".join(v for v in (raw.get("wa_safe"), c.wa_safe_time) if v) or None,
        I.WA_LINK: Link(contact.link, link_label(contact.link)) if contact and contact.link else None,
        I.WA_NOTE: (contact.note or None) if contact else None,
        I.VICTIM: c.victim_name,
        I.SEX: c.victim_sex,
        I.AGE: str(c.victim_age) if c.victim_age is not None else raw.get("victim_age"),
        I.DISABILITY: raw.get("victim_disability"),
        I.KECAMATAN: c.kecamatan or raw.get("kecamatan"),
        I.KELURAHAN: c.kelurahan or raw.get("kelurahan"),
        I.ADDRESS: c.victim_address,
        I.VIOLENCE: raw.get("violence_types"),
        I.PLACE: c.incident_place,
        I.DATE: c.incident_date or raw.get("incident_date"),
        I.PERPETRATOR: c.perpetrator_relation,
        I.DANGER: raw.get("in_danger"),
        I.NEEDS: raw.get("urgent_needs"),
        I.STORY: c.story,
        I.CONSENT: workspace.YES if c.consent else "Belum",
        I.WARNINGS: "\n".join(f"• {w}" for w in c.warnings) or None,
        I.RISK_REASONS: "; ".join(view.triage.reasons) if view.triage else None,
        I.OTHER: "\n".join(f"{title}: {answer}" for title, answer in response.other) or None,
    }
    return info


# The columns each role fills for its decisions, in the order of the procedure.
_FILLED = tuple((role, tuple(FIELD_LABELS[key] for key in role_fields(role))) for role in ROLES)

# Keys of `case_info` no tab shows as such: the Konselor's row takes them as its deadline and turn.
MONITORING_DUE, MONITORING_CLOCK, MONITORING_TURN = "_monitoring_due", "_monitoring_clock", "_monitoring_turn"
_MONITORING_CLOCKS = {"terlambat": "terlambat", "jatuh_tempo": "hampir_terlambat", "terjadwal": "tepat_waktu"}


def monitoring_info(view: CaseView, ctx: Context, now: datetime) -> dict[str, Value]:
    """The Konselor's columns of a closed or referred case: schedule, visits, where they stand."""
    record = view.record
    level = view.triage.level if view.triage else record.risk
    found = monitoring_step.where(record, record.state, level, now.date(), ctx.settings.monitoring.policy())
    if found is None:
        return {}
    clock = _MONITORING_CLOCKS.get(found.status)
    return {
        I.REFERRAL: record.referral,
        I.DESTINATION: record.destination,
        I.MONITORING_START: monitoring_step.start(record, record.state),
        I.SCHEDULE: monitoring_step.schedule_text(found),
        I.MONITORING: found.label,
        I.VISITS: latest_visits(monitoring_step.history_text(view.record), ctx.settings.tabs.case_register),
        MONITORING_DUE: monitoring_step.deadline(found),
        MONITORING_CLOCK: CLOCK_LABELS[clock] if clock else None,  # type: ignore[index]
        MONITORING_TURN: found.status in ("jatuh_tempo", "terlambat"),
    }


VISITS_SHOWN = 5  # the Konselor's tab shows the latest visits; the register keeps every one


def latest_visits(text: str | None, register: str) -> str | None:
    """The last `VISITS_SHOWN` lines of the visit history, saying where the earlier ones are."""
    lines = (text or "").split("\n")
    if len(lines) <= VISITS_SHOWN:
        return text
    earlier = len(lines) - VISITS_SHOWN
    return "\n".join((f"({earlier} kunjungan sebelumnya: tab {register}, kolom '{R.VISITS}')",
                      *lines[-VISITS_SHOWN:]))


def _cut(value: Value, limit: int) -> Value:
    return cell_text(value, limit=limit) if isinstance(value, str) else value
