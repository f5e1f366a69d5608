"""Check 6: local file faults: crash during save, lock file, disk full, read-only."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from config.settings import Settings
from letters.files import DISK, Disk
from rules.errors import InputError, SapaError, TransientError
from sync.commands import demo
from sync.commands.bench import BUSY_AT
from sync.commands.selftest.common import (
    Crash,
    FaultyDisk,
    make_ctx,
    settle,
)
from sync.cycle.run import run_cycle
from sync.stores.local_store import LocalStore

# --- 6. local faults ----------------------------------------------------------------------------


def local_faults() -> tuple[str, bool]:
    ctx = make_ctx()

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def full(kind: str) -> None:
        if kind == "writestr":
            raise OSError(errno.ENOSPC, "No space left on device")

    # a fault: what it sets up around the cycle, the disk the store writes through, the error it must raise
    faults: dict[str, tuple[Callable[[Path], contextlib.AbstractContextManager[Any]], Callable[[Path], Disk],
                            type[BaseException], str]] = {
        "crash during save": (_nothing, lambda p: FaultyDisk(crash=("replace", 1)), Crash, ""),
        "lock file": (_lock, lambda p: DISK, TransientError, "LibreOffice or Excel"),
        "disk full": (_nothing, lambda p: FaultyDisk(fail=full), SapaError, "full"),
        "read-only file": (_nothing, lambda p: FaultyDisk(read_only=p), InputError, "read-only"),
    }
    passed, notes = 0, []
    for label, (fault, disk, expected_error, words) in faults.items():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sapa.xlsx"
            demo.write_responses(path, demo.sample_rows(15), Settings())
            before = digest(path)
            error: BaseException | None = None
            try:
                with fault(path):
                    run_cycle(LocalStore(path, disk=disk(path)), ctx, BUSY_AT)
            except BaseException as err:
                error = err
            unchanged = digest(path) == before
            load_workbook(path)
            leftovers = sorted(p.name for p in Path(tmp).iterdir() if p.name != "sapa.xlsx")
            recovered = settle(lambda p=path: run_cycle(LocalStore(p), ctx, BUSY_AT))  # type: ignore[misc]
            clear = isinstance(error, expected_error) and words in str(error)
            if unchanged and clear and not leftovers and recovered:
                passed += 1
            else:
                notes.append(f"{label}: unchanged={unchanged} clear={clear} leftovers={leftovers}")
    figure = f"local faults: {passed}/{len(faults)} left the workbook intact with a clear message, then recovered"
    if notes:
        figure += "; " + "; ".join(notes)
    return figure, passed == len(faults)


@contextlib.contextmanager
def _nothing(path: Path) -> Iterator[None]:
    yield


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    lock = path.parent / f".~lock.{path.name}#"
    lock.write_text("user")
    try:
        yield
    finally:
        lock.unlink()
