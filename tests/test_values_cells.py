"""No churn: a cycle with nothing new writes nothing, at any clock time (contract suite)."""

from __future__ import annotations

from datetime import timedelta

from sync.commands.selftest.office import Backend, LocalBackend, response_row
from tests.conftest import NOW

ADULT_LOW_RISK = {"in_danger": "Tidak", "victim_age": "30", "violence_types": "Psikis"}  # a 24-hour clock
HEARTBEAT = "Diperbarui sistem"  # the help tab's "worker last ran" time: refreshed every heartbeat_minutes


def writes(plan) -> list[object]:  # type: ignore[no-untyped-def]
    """The plan's operations but the heartbeat's own refresh."""
    return [op for op in plan.operations if getattr(op, "key", None) != HEARTBEAT]


def test_an_idle_cycle_an_hour_later_writes_nothing(backend: Backend, settings, cycle) -> None:  # type: ignore[no-untyped-def]
    backend.create([response_row(**ADULT_LOW_RISK), response_row(**ADULT_LOW_RISK, reporter_name="Lain")], settings)
    assert cycle(NOW).plan
    assert not cycle(NOW).plan
    for later in (timedelta(minutes=59), timedelta(hours=1, minutes=1), timedelta(hours=3)):  # still "Tepat waktu"
        assert not writes(cycle(NOW + later).plan), later


def test_an_idle_local_cycle_only_streams_the_workbook(tmp_path, settings, ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from sync.cycle.run import run_cycle
    from sync.stores import local_store

    backend = LocalBackend(tmp_path)
    backend.create([response_row(**ADULT_LOW_RISK)], settings)
    assert run_cycle(backend.store(), ctx, NOW).plan
    loads: list[bool] = []

    def loading(*args, **kwargs):  # type: ignore[no-untyped-def]
        loads.append(bool(kwargs.get("read_only")))
        return load_workbook(*args, **kwargs)

    monkeypatch.setattr(local_store, "load_workbook", loading)
    stamp = backend.path.stat().st_mtime_ns
    assert not run_cycle(backend.store(), ctx, NOW + timedelta(minutes=5)).plan
    assert loads == [True]  # one streaming read; no full load
    assert backend.path.stat().st_mtime_ns == stamp  # and no save


def test_a_count_is_a_number_cell(backend: Backend, settings, ctx, cycle) -> None:  # type: ignore[no-untyped-def]
    from sync.cycle.tabs import R
    from tests.test_cycle import records

    backend.create([response_row(**ADULT_LOW_RISK, reporter_phone="12")], settings)  # an unusable number: a warning
    cycle(NOW)
    (case,) = records(backend, ctx.tabs.register.name)
    assert isinstance(case[R.WARNINGS], int | float) and not isinstance(case[R.WARNINGS], bool)
    assert case[R.WARNINGS] >= 1
    assert not writes(cycle(NOW + timedelta(minutes=1)).plan)  # read back, the number compares equal
