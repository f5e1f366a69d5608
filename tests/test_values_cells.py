"""No churn: a cycle with nothing new writes nothing, at any clock time (contract suite)."""

from __future__ import annotations

from datetime import timedelta

from tests.backends import Backend, LocalBackend, response_row
from tests.conftest import NOW

ADULT_LOW_RISK = {"in_danger": "Tidak", "victim_age": "30", "violence_types": "Psikis"}  # a 24-hour clock


def test_an_idle_cycle_an_hour_later_writes_nothing(backend: Backend, settings, cycle) -> None:  # type: ignore[no-untyped-def]
    backend.create([response_row(**ADULT_LOW_RISK), response_row(**ADULT_LOW_RISK, reporter_name="Lain")], settings)
    assert cycle(NOW).plan
    assert not cycle(NOW).plan
    stamp = backend.path.stat().st_mtime_ns if isinstance(backend, LocalBackend) else None
    for later in (timedelta(minutes=59), timedelta(hours=1, minutes=1), timedelta(hours=3)):  # still "Tepat waktu"
        assert not cycle(NOW + later).plan.operations, later
    if isinstance(backend, LocalBackend):
        assert backend.path.stat().st_mtime_ns == stamp  # not even saved
