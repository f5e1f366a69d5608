"""Monitoring after the case (SOP step 7) as the cycle keeps it.

The Konselor records each visit, or the end of monitoring, as a decision in the
Konselor's tab (rules/workflow.py, step 7: the case's state does not change). The
register keeps them, one line per visit, so that a row deleted from the tab loses
nothing; the column is hidden there, and only the Konselor's tab shows it. Where the
follow-ups stand on a day is rules/monitoring.py's answer, from the day the case was
closed by the office or referred (the later of the two after a reopening).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time

from rules import values
from rules.dates_id import long_date
from rules.monitoring import Monitoring, MonitoringPolicy, assess
from rules.workflow import FIELD_LABELS, Transition
from sync.cycle.events import Event
from sync.cycle.records import CaseRecord, MonitoringEnd, Visit, at

VISIT = "Catat kunjungan"
END = "Akhiri pemantauan"
MONITORED = ("closed", "referred")


def record_decision(record: CaseRecord, transition: Transition, fields: Mapping[str, str | None],
                    stamp: datetime) -> tuple[CaseRecord, Event | None]:
    """Keep a visit or the end of monitoring in the register; the log names no victim data."""
    case_id = record.case_id
    if transition.decision == VISIT:
        day = _day(fields.get("tanggal_kunjungan"))
        if day is None:
            return record, None
        visit = Visit.of(day, fields.get("cara_pemantauan"), fields.get("kondisi_terkini"),
                         fields.get("rencana_berikutnya"))
        event = Event(case_id, "Konselor", f"Kunjungan pemantauan {long_date(day)} dicatat", "monitoring_visit")
        return replace(record, visits=(*record.visits, visit)), event
    if transition.decision == END:
        end = MonitoringEnd.of(stamp.date(), fields.get("alasan_akhir_pemantauan"))
        return replace(record, monitoring_end=end), Event(case_id, "Konselor", "Pemantauan diakhiri",
                                                          "monitoring_ended")
    return record, None


def visits(record: CaseRecord) -> list[Visit]:
    """The visits whose day can be read."""
    return [v for v in record.visits if v.day is not None]


def start(record: CaseRecord, state: str) -> date | None:
    """The day monitoring began: the case was closed by the office or referred, after its last reopening."""
    if state not in MONITORED:
        return None
    reopened = at(record.step("identification"))
    days = [d for s in MONITORED if (d := at(record.step(s))) and (reopened is None or d >= reopened)]
    return min(days).date() if days else None


def ended(record: CaseRecord, began: date) -> tuple[date, str] | None:
    end = record.monitoring_end
    if end is None or end.day is None:
        return None
    return (end.day, end.reason) if end.day >= began else None


def where(record: CaseRecord, state: str, risk: str | None, today: date,
          policy: MonitoringPolicy) -> Monitoring | None:
    """Where a case's monitoring stands today; None for a case not (yet) monitored."""
    began = start(record, state)
    if began is None:
        return None
    return assess(began, risk, [v.day for v in visits(record) if v.day], today, ended=ended(record, began) is not None,
                  policy=policy)


def deadline(monitoring: Monitoring) -> datetime | None:
    """The next follow-up as the end of its day, a deadline cell like the others."""
    pending = monitoring.next
    return datetime.combine(pending.due, time(23, 59)) if pending else None


def schedule_text(monitoring: Monitoring) -> str:
    """`1. 8 Desember 2026 — sudah (8 Desember 2026)` per follow-up."""
    lines = []
    for f in monitoring.follow_ups:
        done = f"sudah ({long_date(f.met_on)})" if f.met_on else "belum"
        lines.append(f"{f.number}. {long_date(f.due)} — {done}")
    return "\n".join(lines)


def history_text(record: CaseRecord) -> str | None:
    lines = []
    for v in visits(record):
        assert v.day is not None
        parts = [long_date(v.day), v.how, f"Kondisi: {v.condition}" if v.condition else "",
                 f"Rencana: {v.next_step}" if v.next_step else ""]
        lines.append(" — ".join(p for p in parts if p))
    return "\n".join(lines) or None


def _day(value: str | None) -> date | None:
    """A day staff typed, or a date cell read as its serial number (Google)."""
    if not value:
        return None
    try:
        serial: object = float(value)
    except ValueError:
        serial = value
    moment = values.timestamp(serial, day_first=True)
    return moment.date() if moment else None


FIELDS_SHOWN = tuple(FIELD_LABELS[k] for k in ("tanggal_kunjungan", "cara_pemantauan", "kondisi_terkini",
                                                "rencana_berikutnya", "alasan_akhir_pemantauan"))
