"""Monitoring after the case (SOP.md step 7): when the Konselor should next check on the victim.

Once the office has closed a case itself or referred it, the Konselor/Konsultan
follows up on the victim at set intervals from that day (by default after 7, 30
and 90 days; a DARURAT case sooner). Each visit the Konselor records meets the
follow-up it was made for; a follow-up whose day has passed unmet is late. Pure: the
caller passes today's date in.

Which follow-up a visit meets: the next one still open, if the visit was made at
least halfway from the previous follow-up's day to this one's (a visit a day after
the 7-day one is an extra visit, not the 30-day one). An early visit past that
point counts: the Konselor went sooner, not too late.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Literal

from rules.triage import RISK_LEVELS

MonitoringStatus = Literal["terjadwal", "jatuh_tempo", "terlambat", "selesai", "dihentikan"]
STATUS_LABELS: dict[MonitoringStatus, str] = {
    "terjadwal": "Terjadwal",
    "jatuh_tempo": "Jatuh tempo",
    "terlambat": "Terlambat",
    "selesai": "Semua kunjungan selesai",
    "dihentikan": "Pemantauan dihentikan",
}
# How the Konselor checked on the victim (a dropdown; other text is accepted).
VISIT_METHODS: tuple[str, ...] = (
    "Kunjungan rumah", "Telepon", "WhatsApp", "Korban datang ke kantor", "Melalui lembaga rujukan",
)
# Why monitoring ends (a dropdown; other text is accepted).
END_REASONS: tuple[str, ...] = (
    "Kondisi korban stabil", "Korban pindah domisili", "Korban menolak dipantau",
    "Tidak dapat dihubungi", "Ditangani lembaga rujukan", "Lainnya",
)


def _default_days() -> Mapping[str, tuple[int, ...]]:
    return MappingProxyType({"tinggi": (3, 7, 30, 90), "sedang": (7, 30, 90), "rendah": (7, 30, 90)})


@dataclass(frozen=True)
class MonitoringPolicy:
    """Follow-up days after closure or referral, per risk level; `warn_days` before a day it is due.

    A case without a risk level follows the strictest (`tinggi`) schedule, as the SLA
    clocks do: an untriaged case must not look less urgent than it is.
    """

    days: Mapping[str, tuple[int, ...]] = field(default_factory=_default_days)
    warn_days: int = 2

    def __post_init__(self) -> None:
        if set(self.days) != set(RISK_LEVELS):
            raise ValueError(
                f"monitoring days need exactly the risk levels {list(RISK_LEVELS)}, got {sorted(self.days)}"
            )
        for risk, days in self.days.items():
            if not days or any(d <= 0 for d in days) or list(days) != sorted(set(days)):
                raise ValueError(
                    f"monitoring days of '{risk}' must be positive, increasing and not repeated, e.g. [7, 30, 90]; "
                    f"got {list(days)}"
                )
        if self.warn_days < 0:
            raise ValueError(f"warn_days must be 0 or more, got {self.warn_days}")

    def offsets(self, risk: str | None) -> tuple[int, ...]:
        return tuple(self.days.get(risk or "", self.days["tinggi"]))


def schedule(start: date, risk: str | None, policy: MonitoringPolicy = MonitoringPolicy()) -> tuple[date, ...]:
    """The follow-up days of a case closed or referred on `start`."""
    return tuple(start + timedelta(days=d) for d in policy.offsets(risk))


@dataclass(frozen=True)
class FollowUp:
    number: int  # 1-based, as staff count them ("Kunjungan ke-2")
    due: date
    met_on: date | None = None  # the day of the visit that met it


@dataclass(frozen=True)
class Monitoring:
    """Where one case's monitoring stands on a given day."""

    status: MonitoringStatus
    follow_ups: tuple[FollowUp, ...]
    extra_visits: int = 0

    @property
    def next(self) -> FollowUp | None:
        """The first follow-up not yet met (None: all met, or monitoring ended)."""
        if self.status == "dihentikan":
            return None
        return next((f for f in self.follow_ups if f.met_on is None), None)

    @property
    def met(self) -> int:
        return sum(1 for f in self.follow_ups if f.met_on is not None)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def assess(
    start: date,
    risk: str | None,
    visits: Iterable[date],
    today: date,
    *,
    ended: bool = False,
    policy: MonitoringPolicy = MonitoringPolicy(),
) -> Monitoring:
    """The follow-ups of a case closed or referred on `start`, met by `visits`, seen on `today`."""
    follow_ups, extra = _match(start, schedule(start, risk, policy), sorted(visits))
    pending = next((f for f in follow_ups if f.met_on is None), None)
    status: MonitoringStatus
    if ended:
        status = "dihentikan"
    elif pending is None:
        status = "selesai"
    elif today > pending.due:
        status = "terlambat"
    elif today >= pending.due - timedelta(days=policy.warn_days):
        status = "jatuh_tempo"
    else:
        status = "terjadwal"
    return Monitoring(status, follow_ups, extra)


def _match(start: date, due: Sequence[date], visits: Sequence[date]) -> tuple[tuple[FollowUp, ...], int]:
    met: list[date | None] = [None] * len(due)
    extra = 0
    index = 0
    for visit in visits:
        if visit < start:
            extra += 1  # before monitoring began: not a follow-up
            continue
        previous = due[index - 1] if index else start
        if index < len(due) and visit >= previous + (due[index] - previous) / 2:
            met[index] = visit
            index += 1
        else:
            extra += 1
    return tuple(FollowUp(n, d, m) for n, (d, m) in enumerate(zip(due, met, strict=True), start=1)), extra


def days_late(monitoring: Monitoring, today: date) -> int:
    """How many days the next follow-up is overdue (0 if it is not)."""
    pending = monitoring.next
    return max(0, (today - pending.due).days) if pending else 0


def summary(states: Iterable[Monitoring]) -> dict[str, int]:
    """Counts for `status --json`: follow-ups due soon, overdue, and monitoring ended."""
    counts = Counter(s.status for s in states)
    return {"due": counts["jatuh_tempo"], "overdue": counts["terlambat"], "ended": counts["dihentikan"]}
