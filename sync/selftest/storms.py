"""Check 2: quota storms and outages; the run loop backs off and catches up, never exits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

from sync.cycle import run_cycle
from sync.selftest.common import (
    find_problems,
    google_prepared,
    google_state,
    google_tables,
    make_ctx,
    settle,
    thaw,
)

# --- 2. quota storms and outages ----------------------------------------------------------------


class _SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class _SimTime:
    """The `time` module as googleapiclient sees it, with `sleep` on the simulated clock."""

    def __init__(self, clock: _SimClock) -> None:
        self.sleep = clock.sleep

    def __getattr__(self, name: str) -> Any:
        import time

        return getattr(time, name)


def _timeouts(double: Any, clock: _SimClock) -> None:
    double.timeout_next(times=3)
    double.timeout_next("sheets.spreadsheets.batchUpdate", applied=True)


def quota_storms(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    import googleapiclient.http

    from sync.bench import BUSY_AT, RESPONSES_TAB
    from sync.cli import _guarded
    from sync.google_retry import RetryPolicy
    from sync.google_store import GoogleStore

    ctx = make_ctx()
    office, blob = google_prepared(responses, cases)
    reference = thaw(office, blob)
    settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    expected = google_state(reference)

    def outage(double: Any, clock: _SimClock) -> None:
        def hook(d: Any, method_id: str, request: Any) -> None:
            if clock.now < 600:
                d.fail_next(method_id, status=503)

        double.on_request(hook)

    storms: dict[str, Callable[[Any, _SimClock], None]] = {
        "429 every other request": lambda d, c: d.fail_every(2, status=429),
        "runs of 500s": lambda d, c: d.fail_next(status=500, times=5),
        "timeouts (one applied)": _timeouts,
        "10-minute outage": outage,
    }
    passed, notes, retries, raised = 0, [], 0, 0
    for label, inject in storms.items():
        copy = thaw(office, blob)
        clock = _SimClock()
        policy = RetryPolicy(sleep=clock.sleep, clock=clock, random=lambda: 1.0)
        store = GoogleStore(copy.double.gspread_client(), copy.spreadsheet_id, RESPONSES_TAB, retry=policy)
        inject(copy.double, clock)
        results: list[Any] = []

        def job(s: Any = store, c: Any = copy, out: list[Any] = results) -> None:
            out.append(run_cycle(s, ctx, BUSY_AT, c.writer))

        cycle = _guarded(job)
        caught_up = False
        for _ in range(40):
            before = len(results)
            try:  # googleapiclient's own retries (Drive, Docs) sleep on the simulated clock too
                with mock.patch.object(googleapiclient.http, "time", _SimTime(clock)):
                    cycle()
            except Exception:
                raised += 1
            if len(results) > before and not results[-1].plan:
                caught_up = True
                break
            clock.now += 60  # the run loop's poll interval
        copy.double.clear_faults()
        copy.double.clear_hooks()
        retries += len(policy.slept)
        tables = google_tables(copy)
        same = google_state(copy) == expected
        if caught_up and same and not find_problems(tables, ctx) and all(s <= policy.cap for s in policy.slept):
            passed += 1
        else:
            notes.append(f"{label}: caught_up={caught_up} same={same}")
    ok = passed == len(storms) and raised == 0
    figure = (f"quota: {passed}/{len(storms)} storms caught up with nothing written twice "
              f"({retries} backed-off retries, run loop raised {raised} times)")
    if notes:
        figure += "; " + "; ".join(notes)
    return figure, ok
