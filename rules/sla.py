"""Service deadlines and how close a case is to missing them.

The office promises completion in 2 days (SOP.md); risk triage sets how soon the
reporter must first be contacted (DOMAIN.md: high immediately, medium ~6 hours).
The caller passes every time in — nothing here reads the clock — so a test, a
re-run and the worker all see the same answer. Once a case is referred, closed or
rejected the office's clocks stop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Literal

from rules.triage import RISK_LEVELS
from rules.workflow import CLOCK_STOPPED, STATE_LABELS

ClockStatus = Literal["tepat_waktu", "hampir_terlambat", "terlambat"]
CLOCK_LABELS: dict[ClockStatus, str] = {
    "tepat_waktu": "Tepat waktu",
    "hampir_terlambat": "Hampir terlambat",
    "terlambat": "Terlambat",
}


def _default_first_contact() -> Mapping[str, timedelta]:
    hours = {"tinggi": 1, "sedang": 6, "rendah": 24}
    return MappingProxyType({risk: timedelta(hours=h) for risk, h in hours.items()})


@dataclass(frozen=True)
class SlaPolicy:
    """How long each clock may run.

    `first_contact` is per risk level and runs while the case waits for the Sub
    Koordinator's WhatsApp confirmation (`first_contact_states`). `service` runs
    from receipt to closure. `per_state` optionally bounds each step, from the
    moment the case entered it. A case with no risk level yet gets the strictest
    first-contact time: an untriaged case must not look less urgent than it is.
    """

    first_contact: Mapping[str, timedelta] = field(default_factory=_default_first_contact)
    first_contact_states: tuple[str, ...] = ("intake", "identification")
    service: timedelta = timedelta(hours=48)
    per_state: Mapping[str, timedelta] = field(default_factory=lambda: MappingProxyType({}))
    warn_fraction: float = 0.25  # "hampir terlambat" when less than this is left

    def __post_init__(self) -> None:
        if set(self.first_contact) != set(RISK_LEVELS):
            raise ValueError(f"first_contact needs exactly the risk levels {RISK_LEVELS}")
        unknown = (set(self.per_state) | set(self.first_contact_states)) - set(STATE_LABELS)
        if unknown:
            raise ValueError(f"unknown workflow states in SLA policy: {sorted(unknown)}")
        spans = [*self.first_contact.values(), *self.per_state.values(), self.service]
        if any(span <= timedelta(0) for span in spans):
            raise ValueError("every SLA duration must be positive")
        if not 0 <= self.warn_fraction < 1:
            raise ValueError("warn_fraction must be at least 0 and below 1")


@dataclass(frozen=True)
class Deadline:
    """One running clock: what it is for (Indonesian label), start and due time."""

    kind: Literal["kontak_pertama", "layanan", "tahap"]
    label: str
    start: datetime
    due: datetime


def deadlines(
    received_at: datetime,
    risk: str | None,
    state: str,
    entered_state_at: datetime | None,
    policy: SlaPolicy = SlaPolicy(),
) -> tuple[Deadline, ...]:
    """The clocks running for a case now; none once the office has let it go."""
    if state in CLOCK_STOPPED:
        return ()
    found: list[Deadline] = []
    if state in policy.first_contact_states:
        span = policy.first_contact.get(risk or "", min(policy.first_contact.values()))
        found.append(Deadline("kontak_pertama", "Kontak pertama", received_at, received_at + span))
    found.append(
        Deadline("layanan", "Penyelesaian layanan", received_at, received_at + policy.service)
    )
    step = policy.per_state.get(state)
    if step is not None and entered_state_at is not None:
        label = f"Tahap {STATE_LABELS[state]}"
        found.append(Deadline("tahap", label, entered_state_at, entered_state_at + step))
    return tuple(found)


def clock_status(
    now: datetime, start: datetime, deadline: datetime, warn_fraction: float = 0.25
) -> ClockStatus:
    """Late once past the deadline; nearly late when under `warn_fraction` is left."""
    if now > deadline:
        return "terlambat"
    if deadline - now < (deadline - start) * warn_fraction or deadline <= start:
        return "hampir_terlambat"
    return "tepat_waktu"


def most_urgent(found: Sequence[Deadline]) -> Deadline | None:
    """The clock that runs out first: the one a queue view should show."""
    return min(found, key=lambda d: d.due, default=None)


def time_left_text(now: datetime, deadline: datetime) -> str:
    """Coarse Indonesian text, e.g. "sisa 3 jam 20 menit" or "terlambat 2 jam".

    Rounded down (days+hours, hours+10 minutes, 5 minutes) so the text changes
    rarely and a sheet cell is not rewritten on every cycle.
    """
    if now > deadline:
        return f"terlambat {_span(now - deadline)}"
    return f"sisa {_span(deadline - now)}"


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} hari" + (f" {hours} jam" if hours else "")
    if hours:
        minutes -= minutes % 10
        return f"{hours} jam" + (f" {minutes} menit" if minutes else "")
    if minutes < 5:
        return "kurang dari 5 menit"
    return f"{minutes - minutes % 5} menit"
