"""Check 1: a kill at every API request (Google, over the double) and at every file write (local)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sync
from googledouble import SimulatedCrash
from sync.commands.bench import BUSY_AT
from sync.commands.selftest.common import (
    WRITES,
    Crash,
    FaultyDisk,
    all_accounted,
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
from sync.cycle.run import run_cycle


def _google_point(responses: int, cases: tuple[int, ...] | None, k: int, applied: bool, expected: Any) -> bool:
    ctx = make_ctx()
    office, blob = google_prepared(responses, cases)
    copy = thaw(office, blob)
    copy.double.crash_after(k, applied=applied)
    crashed = False
    try:
        run_cycle(copy.store(), ctx, BUSY_AT, copy.writer)
    except SimulatedCrash:
        crashed = True
    copy.double.clear_faults()
    settled = settle(lambda: run_cycle(copy.store(), ctx, BUSY_AT, copy.writer))
    tables = google_tables(copy)
    return crashed and settled and google_state(copy) == expected and not find_problems(tables, ctx)


def crash_google(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    ctx = make_ctx()
    office, blob = google_prepared(responses, cases)
    reference = thaw(office, blob)
    reference.double.reset_counts()
    run_cycle(reference.store(), ctx, BUSY_AT, reference.writer)
    requests = sum(reference.double.counts.values())
    settled = settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    expected = google_state(reference)
    tables = google_tables(reference)
    sound = settled and not find_problems(tables, ctx) and all_accounted(tables, ctx, BUSY_AT)
    methods = [e.method_id for e in reference.double.log]
    points = [(k, applied) for applied in (False, True) for k in range(1, requests + 1)]
    results = parallel(_google_point, [(responses, cases, k, a, expected) for k, a in points])
    survived = sum(results)
    failed = [f"{methods[k - 1]} #{k}{' (applied)' if a else ''}" for (k, a), good in zip(points, results, strict=True)
              if not good]
    ok = sound and survived == len(points) and requests >= 2
    figure = (f"google: {survived}/{len(points)} crash points survived "
              f"({requests} requests x applied before/after, {responses} responses)")
    if failed:
        figure += f"; failed at {', '.join(failed[:8])}"
    return figure, ok


def _local_point(prepared: Path, root: Path, name: str, k: int, expected: Any) -> bool:
    ctx = make_ctx()
    folder = root / f"{name}{k}"
    shutil.copytree(prepared, folder)
    crashed = False
    try:
        local_cycle(folder, disk=FaultyDisk(crash=(name, k)))
    except Crash:
        crashed = True
    try:
        settled = settle(lambda: local_cycle(folder))
        state = local_state(folder)
        return crashed and settled and state == expected and not find_problems(state[0], ctx)
    except Exception:
        return False
    finally:
        shutil.rmtree(folder)


def crash_local(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    ctx = make_ctx()
    prepared = local_prepared(responses, cases)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reference = root / "reference"
        shutil.copytree(prepared, reference)
        disk = FaultyDisk()
        local_cycle(reference, disk=disk)
        counts = disk.counts
        settled = settle(lambda: local_cycle(reference))
        expected = local_state(reference)
        sound = settled and not find_problems(expected[0], ctx) and all_accounted(expected[0], ctx, BUSY_AT)
        points = [(name, k) for name in WRITES for k in range(1, counts[name] + 1)]
        results = parallel(_local_point, [(prepared, root, name, k, expected) for name, k in points])
        survived = sum(results)
        failed = [f"{name}#{k}" for (name, k), good in zip(points, results, strict=True) if not good]
        kills, killed_ok, leftovers = _real_kills(prepared, root, expected, 6 if cases is not None else 16)
    ok = sound and survived == len(points) and len(points) >= 3 and kills > 0 and killed_ok == kills
    by_kind = ", ".join(f"{n} {counts[n]}" for n in WRITES)
    figure = (f"local: {survived}/{len(points)} crash points survived ({by_kind}; {responses} responses), and "
              f"{killed_ok}/{kills} real kills of a worker process mid-cycle ({leftovers} temporary files left, "
              "removed after an hour)")
    if failed:
        figure += f"; failed at {','.join(failed[:8])}"
    return figure, ok


_WORKER = ("import sys\n"
           "from pathlib import Path\n"
           "from sync.commands.selftest.common import local_cycle\n"
           "print('ready', flush=True)\n"
           "local_cycle(Path(sys.argv[1]))\n")


def _worker(folder: Path) -> subprocess.Popen[str]:
    """One cycle on `folder` in a new process, which prints 'ready' once imported."""
    root = Path(sync.__file__).resolve().parents[1]  # the folder holding the `sync` package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-c", _WORKER, str(folder)], cwd=root, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    process.stdout.readline()  # 'ready': the cycle starts now
    return process


def _real_kills(prepared: Path, root: Path, expected: Any, count: int) -> tuple[int, int, int]:
    """Kill a worker process (SIGKILL; TerminateProcess on Windows) at `count` moments spread over its
    cycle, then settle in this process: (processes killed mid-cycle, those that ended as without the
    kill, temporary files they left). Nothing cleans up after a real kill, unlike the simulated one."""
    ctx = make_ctx()
    timing = root / "timing"
    shutil.copytree(prepared, timing)
    process = _worker(timing)
    started = time.monotonic()
    if process.wait(timeout=600) != 0:
        return 0, 0, 0
    length = time.monotonic() - started
    shutil.rmtree(timing)
    kills = survived = leftovers = 0
    for i in range(1, count + 1):
        folder = root / f"kill{i}"
        shutil.copytree(prepared, folder)
        process = _worker(folder)
        time.sleep(length * i / (count + 1))
        process.kill()  # nothing if it has just ended
        if process.wait(timeout=60) != 0:  # killed mid-cycle (an end of its own exits 0: no kill then)
            kills += 1
            leftovers += sum(1 for p in folder.rglob("*.tmp"))
            try:
                settled = settle(lambda f=folder: local_cycle(f))  # type: ignore[misc]
                state = local_state(folder)
                survived += settled and state == expected and not find_problems(state[0], ctx)
            except Exception:
                pass
        shutil.rmtree(folder)
    return kills, survived, leftovers
