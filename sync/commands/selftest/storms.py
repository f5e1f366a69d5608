"""Check 2: quota storms and outages; the run loop backs off and catches up, never exits.

Google has API quotas; the local workbook's outages are LibreOffice holding it open and a full disk.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from letters.files import DISK, Disk
from letters.google_writer import GoogleLetterWriter
from rules.errors import SapaError
from sync.commands.bench import BUSY_AT, RESPONSES_TAB
from sync.commands.loop import guarded
from sync.commands.selftest.common import (
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
from sync.commands.selftest.office import LocalBackend
from sync.cycle.run import run_cycle
from sync.stores.google_retry import RetryPolicy
from sync.stores.google_store import GoogleStore
from sync.stores.local_store import LocalStore

# --- 2. quota storms and outages ----------------------------------------------------------------


class _SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _timeouts(double: Any, clock: _SimClock) -> None:
    double.timeout_next(times=3)
    double.timeout_next("sheets.spreadsheets.batchUpdate", applied=True)
    double.timeout_next("drive.files.copy", applied=True)  # a letter's copy made, its answer lost


def _job(cycle: Callable[[], Any], results: list[Any], unexpected: list[str]) -> Callable[[], None]:
    """A run-loop job: keeps each cycle's result, and notes an error the loop's guard would call
    "unexpected" (an outage must be said as what it is, a SapaError with a message)."""

    def job() -> None:
        try:
            results.append(cycle())
        except SapaError:
            raise
        except Exception as err:
            unexpected.append(type(err).__name__)
            raise

    return job


def _google_storms(responses: int, cases: tuple[int, ...] | None
                   ) -> tuple[int, int, list[str], int, int, list[str]]:
    """(storms, caught up, notes, backed-off retries, times the run loop raised, unexpected errors)."""

    ctx = make_ctx()
    office, blob = google_prepared(responses, cases)
    reference = thaw(office, blob)

    def outage(double: Any, clock: _SimClock) -> None:
        def hook(d: Any, method_id: str, request: Any) -> None:
            if clock.now < 600:
                d.fail_next(method_id, status=503)

        double.on_request(hook)

    storms: dict[str, Callable[[Any, _SimClock], None]] = {
        "429 every other request": lambda d, c: d.fail_every(2, status=429),
        "runs of 500s": lambda d, c: d.fail_next(status=500, times=5),
        "timeouts (some applied)": _timeouts,
        "10-minute outage": outage,
    }
    passed, notes, retries, raised = 0, [], 0, 0
    unexpected: list[str] = []
    settled = settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    if not settled:
        return len(storms), 0, ["the fault-free reference did not settle"], 0, 0, []
    expected = google_state(reference)
    for label, inject in storms.items():
        copy = thaw(office, blob)
        clock = _SimClock()
        policy = RetryPolicy(sleep=clock.sleep, clock=clock, random=lambda: 1.0)
        store = GoogleStore(copy.double.gspread_client(), copy.spreadsheet_id, RESPONSES_TAB, retry=policy)
        # the letters' Drive and Docs requests retry with the same policy, on the simulated clock
        copy = replace(copy, writer=GoogleLetterWriter(copy.drive, copy.docs, copy.folder, copy.templates,
                                                       retry=policy))
        inject(copy.double, clock)
        results: list[Any] = []

        cycle = guarded(_job(partial(run_cycle, store, ctx, BUSY_AT, copy.writer), results, unexpected))
        caught_up = False
        for _ in range(40):
            before = len(results)
            try:
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
        failed = sum(1 for e in copy.double.log if e.status is None or e.status >= 400)  # the storm did blow
        tables = google_tables(copy)
        same = google_state(copy) == expected
        capped = all(s <= policy.cap for s in policy.slept)
        if caught_up and same and failed and capped and not find_problems(tables, ctx):
            passed += 1
        else:
            notes.append(f"{label}: caught_up={caught_up} same={same} failed answers={failed} capped={capped}")
    return len(storms), passed, notes, retries, raised, unexpected


@contextlib.contextmanager
def _open_in_libreoffice(path: Path, clock: _SimClock) -> Iterator[tuple[Callable[[], None], Disk]]:
    """Staff have the workbook open for ten minutes: LibreOffice's lock file beside it, then gone."""
    lock = path.parent / f".~lock.{path.name}#"

    def tick() -> None:
        if clock.now < 600:
            lock.write_text(",Staf SAPA,komputer-admin,01.12.2026 09:00,;")  # as LibreOffice writes it
        else:
            lock.unlink(missing_ok=True)

    try:
        yield tick, DISK
    finally:
        lock.unlink(missing_ok=True)


@contextlib.contextmanager
def _disk_full(path: Path, clock: _SimClock) -> Iterator[tuple[Callable[[], None], Disk]]:
    """The disk is full for the first three polls: every file write (workbook or letter) fails with ENOSPC."""
    def full(kind: str) -> None:
        if kind == "writestr" and clock.now < 180:
            raise OSError(errno.ENOSPC, "No space left on device")

    yield (lambda: None), FaultyDisk(fail=full)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


Outage = Callable[[Path, _SimClock], contextlib.AbstractContextManager[tuple[Callable[[], None], Disk]]]
_OUTAGES: dict[str, Outage] = {
    "open in LibreOffice for 10 minutes": _open_in_libreoffice,
    "disk full for 3 cycles": _disk_full,
}


def _local_outage(prepared: Path, root: Path, label: str, expected: Any) -> tuple[str, int, list[str], int]:
    """One outage through the run loop's guard: (what went wrong or '', cycles held back,
    unexpected errors the guard caught, times the loop raised)."""

    ctx = make_ctx()
    folder = root / label.replace(" ", "-")
    shutil.copytree(prepared, folder)
    path, clock = folder / "sapa.xlsx", _SimClock()
    results: list[Any] = []
    unexpected: list[str] = []
    caught_up, held, raised = False, 0, 0
    with _OUTAGES[label](path, clock) as (tick, disk):
        backend = LocalBackend(folder, disk=disk)
        store, writer = LocalStore(backend.path, disk=disk), backend.writer()  # one store for the run, as `run`
        cycle = guarded(_job(partial(run_cycle, store, ctx, BUSY_AT, writer), results, unexpected))
        for _ in range(40):
            tick()
            before = len(results)
            try:
                cycle()
            except Exception:
                raised += 1
            held += len(results) == before
            if len(results) > before and not results[-1].plan:
                caught_up = True
                break
            clock.now += 60  # the run loop's poll interval
    state = local_state(folder)
    same = state == expected[0] and _files(folder) == expected[1]
    sound = not find_problems(state[0], ctx) and all_accounted(state[0], ctx, BUSY_AT)
    if caught_up and same and sound and held:  # an outage that held nothing back proved nothing
        return "", held, unexpected, raised
    return f"{label}: caught_up={caught_up} same={same} sound={sound} held back {held}", held, unexpected, raised


def _local_outages(responses: int, cases: tuple[int, ...] | None) -> tuple[int, list[str], int, list[str], int]:
    """(outages caught up, notes, cycles held back, unexpected errors caught, times the run loop raised)."""
    prepared = local_prepared(responses, cases)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(prepared, root / "reference")
        if not settle(lambda: local_cycle(root / "reference")):
            return 0, ["the fault-free local reference did not settle"], 0, [], 0
        expected = (local_state(root / "reference"), _files(root / "reference"))
        results = parallel(_local_outage, [(prepared, root, label, expected) for label in _OUTAGES])
    notes = [note for note, *_ in results if note]
    unexpected = [name for _, _, names, _ in results for name in names]
    return len(results) - len(notes), notes, sum(r[1] for r in results), unexpected, sum(r[3] for r in results)


def quota_storms(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    storms, passed, notes, retries, raised, google_unexpected = _google_storms(responses, cases)
    survived, local_notes, held, local_unexpected, local_raised = _local_outages(responses, cases)
    unexpected = google_unexpected + local_unexpected
    # An outage must be said as what it is (a SapaError with a message), never an "unexpected" error.
    ok = passed == storms and survived == len(_OUTAGES) and raised + local_raised == 0 and not unexpected
    odd = f" ({len(unexpected)} on an unexpected {', '.join(sorted(set(unexpected)))})" if unexpected else ""
    figure = (f"quota: {passed}/{storms} Google storms and {survived}/{len(_OUTAGES)} local outages caught up "
              f"with nothing written twice ({retries} backed-off retries, {held} local cycles held back{odd}, "
              f"run loop raised {raised + local_raised} times)")
    if notes or local_notes:
        figure += "; " + "; ".join(notes + local_notes)
    return figure, ok
