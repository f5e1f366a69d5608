"""Check 1b: the crash guarantees of check 1 for a busy cycle whose write is cut in parts.

The busy cycle runs with a small `worker.max_request_bytes`, so its plan is written in several
parts, one cycle each, back to back (sync/cycle/batches.py). A kill at any request of those cycles
(Google: before or after it is applied; local: at sampled file writes of the parts' saves) must
end, after further cycles, exactly as the same parts without the kill.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from googledouble import SimulatedCrash
from letters.google_writer import GoogleLetterWriter
from sync.commands.bench import BUSY_AT
from sync.commands.selftest.common import (
    WRITES,
    Crash,
    FaultyDisk,
    find_problems,
    google_prepared,
    google_state,
    google_tables,
    local_cycle,
    local_prepared,
    local_state,
    make_ctx,
    parallel,
    settle,
    thaw,
)
from sync.cycle.run import run_cycle, run_cycles
from sync.stores.google_retry import RetryPolicy

GOOGLE_BUDGET = 100_000  # bytes: the fast busy cycle's write (about 250 KB) in three parts
LOCAL_BUDGET = 30_000  # estimated bytes: the same, on the workbook
LOCAL_POINTS = 8  # file writes sampled over the parts' saves (each point replays the cycles)


def _google_cycles(office: Any, budget: int) -> Any:
    ctx = make_ctx(budget)
    return run_cycles(lambda: run_cycle(office.store(), ctx, BUSY_AT, office.writer))


def _google_point(responses: int, cases: tuple[int, ...] | None, k: int, applied: bool, expected: Any) -> bool:
    office, blob = google_prepared(responses, cases)
    copy = thaw(office, blob)
    copy.double.crash_after(k, applied=applied)
    crashed = False
    try:
        _google_cycles(copy, GOOGLE_BUDGET)
    except SimulatedCrash:
        crashed = True
    copy.double.clear_faults()
    copy = replace(copy, writer=GoogleLetterWriter(copy.drive, copy.docs, copy.folder, copy.templates,
                                                   retry=RetryPolicy(sleep=lambda _: None)))
    # the next process's writer: it looks for the copies a killed one made
    settled = settle(lambda: _google_cycles(copy, GOOGLE_BUDGET))
    return crashed and settled and google_state(copy) == expected and not find_problems(google_tables(copy),
                                                                                            make_ctx())


def split_google(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    office, blob = google_prepared(responses, cases)
    reference = thaw(office, blob)
    reference.double.reset_counts()
    writes = len(_parts(reference))
    requests = sum(reference.double.counts.values())
    methods = [e.method_id for e in reference.double.log]
    settled = settle(lambda: _google_cycles(reference, GOOGLE_BUDGET))
    expected = google_state(reference)
    points = _google_points(methods)
    results = parallel(_google_point, [(responses, cases, k, a, expected) for k, a in points])
    ok = settled and writes >= 2 and all(results)
    return (f"google, write in {writes} parts: {sum(results)}/{len(points)} crash points survived "
            f"(of {requests} requests: every write, before and after it is applied, and each cycle's "
            "first read)"), ok


def _google_points(methods: list[str]) -> list[tuple[int, bool]]:
    """Crash points: before and after every write; before the first read of each cycle (a kill
    between reads is the same as one before the next)."""
    points: list[tuple[int, bool]] = []
    for k, method in enumerate(methods, start=1):
        if not method.endswith(".get"):
            points += [(k, False), (k, True)]
        elif k == 1 or not methods[k - 2].endswith(".get"):
            points.append((k, False))
    return points


def _parts(office: Any) -> list[int]:
    _google_cycles(office, GOOGLE_BUDGET)
    return [e.request_bytes for e in office.double.log if e.method_id == "sheets.spreadsheets.batchUpdate"]


def _local_point(prepared: Path, root: Path, name: str, k: int, expected: Any) -> bool:
    folder = root / f"{name}{k}"
    shutil.copytree(prepared, folder)
    crashed = False
    try:
        local_cycle(folder, LOCAL_BUDGET, disk=FaultyDisk(crash=(name, k)))
    except Crash:
        crashed = True
    try:
        settled = settle(lambda: local_cycle(folder, LOCAL_BUDGET))
        state = local_state(folder)
        return crashed and settled and state == expected and not find_problems(state[0], make_ctx())
    except Exception:
        return False
    finally:
        shutil.rmtree(folder)


def split_local(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    prepared = local_prepared(responses, cases)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reference = root / "reference"
        shutil.copytree(prepared, reference)
        disk = FaultyDisk()
        local_cycle(reference, LOCAL_BUDGET, disk=disk)
        counts = disk.counts
        saves = counts["replace"]
        settled = settle(lambda: local_cycle(reference, LOCAL_BUDGET))
        expected = local_state(reference)
        every = [(name, k) for name in WRITES for k in range(1, counts[name] + 1)]
        step = max(1, len(every) // LOCAL_POINTS)
        points = every[::step]
        results = parallel(_local_point, [(prepared, root, name, k, expected) for name, k in points])
    ok = settled and saves >= 2 and all(results)
    return f"local, write in {saves} parts: {sum(results)}/{len(points)} sampled crash points survived", ok


def crash_split(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    google, google_ok = split_google(responses, cases)
    local, local_ok = split_local(responses, cases)
    return f"split write: {google}; {local}", google_ok and local_ok
