"""What every check shares: invariants, the prepared busy office, settling, crash injection."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

from openpyxl import load_workbook

from config.settings import Settings
from googledouble import GoogleDouble
from letters.files import DISK, Disk
from letters.google_writer import GoogleLetterWriter
from rules.complaint import FIELDS
from rules.errors import SapaError
from sync.commands import bench, demo
from sync.commands.bench import BUSY_AT, BUSY_START, SETUP_AT, SETUP_START, Office, contents
from sync.commands.bench import RESPONSES_TAB as RESPONSES_TAB  # re-exported for the checks
from sync.commands.selftest.office import LocalBackend, docx_text
from sync.commands.status import status
from sync.cycle.context import Context
from sync.cycle.run import run_cycle, run_cycles
from sync.cycle.tabs import CASE_ID
from sync.stores.google_retry import RetryPolicy
from sync.stores.local_store import Moment
from sync.stores.store import Snapshot, Table
from sync.stores.text import cell_text

T = TypeVar("T")
NUMBER = re.compile(r"^[^/]+/(\d+)/")


def make_ctx(max_request_bytes: int | None = None) -> Context:
    """The default configuration; with `max_request_bytes`, a write budget that cuts the busy cycle in parts."""
    if max_request_bytes is None:
        return Context.from_settings(Settings())
    return Context.from_settings(Settings.model_validate({"worker": {"max_request_bytes": max_request_bytes}}))


# --- invariants ------------------------------------------------------------------------------


def find_problems(tables: Mapping[str, list[list[object]]], ctx: Context) -> list[str]:
    """Duplicates and gaps that must never happen, whatever the row order."""
    found: list[str] = []

    def rows_of(tab: str, *wanted: str) -> list[tuple[str, ...]]:
        """The `wanted` columns of each row of `tab`, as text ("" for blank); none if one is missing."""
        rows = tables.get(tab) or []
        headers = [cell_text(h) for h in rows[0]] if rows else []
        if not all(h in headers for h in wanted):
            return []
        at = [headers.index(h) for h in wanted]
        return [tuple(str(cell_text(r[i]) or "") if i < len(r) else "" for i in at) for r in rows[1:]]

    def column(tab: str, header: str) -> list[str]:
        return [value for (value,) in rows_of(tab, header) if value]

    letters_tab = Settings().letters.register_tab
    one_row_a_case = [(t.name, CASE_ID) for t in ctx.tabs.all if CASE_ID in t.headers and t.name != letters_tab]
    for tab, header in (*one_row_a_case, (RESPONSES_TAB, Settings().tabs.response_marker_column),
                        (letters_tab, "ID Surat")):
        values = column(tab, header)
        dup = [v for v, n in Counter(values).items() if n > 1]
        if dup:
            found.append(f"duplicate {header} in {tab}: {dup[:3]}")
    by_kind: dict[str, list[int]] = {}
    for kind, number in rows_of(letters_tab, "Jenis Surat", "Nomor Surat"):  # row by row: blanks shift nothing
        match = NUMBER.match(number)
        if match:
            by_kind.setdefault(kind, []).append(int(match.group(1)))
    for kind, seen in by_kind.items():
        if sorted(seen) != list(range(1, len(seen) + 1)):
            found.append(f"letter numbers of {kind} not 1..n: {sorted(seen)}")
    return found


def all_accounted(tables: Mapping[str, list[list[object]]], ctx: Context, now: datetime) -> bool:
    def table(title: str) -> Table:
        rows = [list(r) for r in tables[title]]
        headers = tuple(cell_text(h) or "" for h in rows[0]) if rows else ()
        data = [(n, tuple(r)) for n, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
        return Table(title, headers, tuple(r for _, r in data), tuple(n for n, _ in data))

    snapshot = Snapshot((table(RESPONSES_TAB),), {t: table(t) for t in tables if t != RESPONSES_TAB})
    report = status(snapshot, ctx, ctx.local_time(now))
    return bool(report["cases"] + report["review"] == report["responses"] and not report.get("unprocessed"))


# --- the busy office on Google (the bench's scenario, over the API double) --------------------


def busy_clock() -> datetime:
    return BUSY_AT


def freeze(double: Any) -> bytes:
    return double.snapshot()  # type: ignore[no-any-return]


def thaw(office: Any, blob: bytes) -> Any:
    double = GoogleDouble.restore(blob, busy_clock)
    drive, docs = double.service("drive", "v3"), double.service("docs", "v1")
    writer = GoogleLetterWriter(drive, docs, office.folder, office.templates, retry=RetryPolicy(sleep=lambda _: None))
    return Office(double, office.ctx, office.spreadsheet_id, drive, docs, office.folder, office.templates, writer)


_PREPARED: dict[tuple[int, Any], tuple[Any, bytes]] = {}
# The fast run keeps one case per decision of the bench's busy cycle: every role tab, one letter of each kind.
FAST_CASES = (0, 1, 2, 3, 5, 6)


def bench_cases(cases: tuple[int, ...] | None) -> Any:
    return bench.CASES if cases is None else tuple(bench.CASES[i] for i in cases)


def google_prepared(responses: int, cases: tuple[int, ...] | None = None) -> tuple[Any, bytes]:
    """The bench's office just before its busy cycle (decisions on every role tab, letters to draft)."""
    if (responses, cases) not in _PREPARED:

        office = bench.prepare(make_ctx(), responses, bench_cases(cases))
        _PREPARED[responses, cases] = (office, freeze(office.double))
    return _PREPARED[responses, cases]


WORKERS = "SAPA_SELFTEST_WORKERS"  # environment: processes the self-test's sweeps use (default: cores, at most 4)


def parallel(function: Callable[..., T], points: list[tuple[Any, ...]]) -> list[T]:
    """Run independent crash points on every core (forked, so prepared state is shared); serially where
    fork is missing, on one core, or with SAPA_SELFTEST_WORKERS=1 (a test runner that already spreads
    tests over the cores sets it, so that two pools do not fight over them)."""

    workers = int(os.environ.get(WORKERS) or min(4, os.cpu_count() or 1))
    if "fork" not in multiprocessing.get_all_start_methods() or workers < 2:
        return [function(*p) for p in points]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(function, *zip(*points, strict=True)))


def google_tables(office: Any) -> dict[str, list[list[object]]]:
    return {t: office.tab(t) for t in office.double.sheet_titles(office.spreadsheet_id)}


def google_letters(office: Any) -> list[str]:
    """Every current letter document: its name and text (ids aside)."""
    double = office.double
    return sorted(f"{f.name}\n{double.document_text(f.id)}" for f in double.files.values()
                  if office.folder in f.parents and not f.trashed and f.id not in office.templates.values())


def google_state(office: Any) -> tuple[Any, list[str]]:
    return contents(office), google_letters(office)


def settle(cycle: Callable[[], Any], rounds: int = 6) -> bool:
    """Run cycles until one plans nothing; a transient failure just means another round."""
    for _ in range(rounds):
        try:
            if not cycle().plan:
                return True
        except SapaError:
            continue
    return False


# --- the busy office on a local workbook -----------------------------------------------------


def _local_prepare(folder: Path, responses: int, cases: tuple[int, ...] | None) -> None:
    """The bench's scenario on a local workbook: cases walked, new responses in, decisions typed."""


    CASES = bench_cases(cases)
    ctx = make_ctx()
    backend = LocalBackend(folder)
    backend.create(demo.sample_rows(len(CASES), seed=3, start=SETUP_START), Settings())
    writer = backend.writer()
    run_cycle(backend.store(), ctx, SETUP_AT, writer)
    intake = backend.tab(ctx.tabs.intake.name)
    column = [cell_text(h) for h in intake[0]].index(CASE_ID)
    ids = sorted(str(r[column]) for r in intake[1:] if str(r[column] or "").startswith("SAPA-"))

    def type_step(case_id: str, step: tuple[str, dict[str, str]]) -> None:
        role, cells = step
        for header, value in cells.items():
            backend.type_into(ctx.tabs.roles[role].name, CASE_ID, case_id, header, value)

    for round_ in range(max(len(steps) for steps, _ in CASES)):
        for case_id, (steps, _) in zip(ids, CASES, strict=False):
            if round_ < len(steps):
                type_step(case_id, steps[round_])
        run_cycle(backend.store(), ctx, SETUP_AT + timedelta(hours=round_ + 1), writer)
    book = load_workbook(backend.path)
    sheet = book[RESPONSES_TAB]
    start = sheet.max_row + 1
    for number, row in enumerate(demo.sample_rows(responses, seed=7, start=BUSY_START), start=start):
        for col, field in enumerate(FIELDS, start=1):
            value = row.get(field)
            cell = sheet.cell(row=number, column=col)
            cell.value = value if value != "" else None
            if isinstance(value, str):
                cell.data_type = "s"
            elif isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
    book.save(backend.path)
    for case_id, (_, step) in zip(ids, CASES, strict=False):
        type_step(case_id, step)


_LOCAL_PREPARED: dict[tuple[int, Any], Path] = {}


def local_prepared(responses: int, cases: tuple[int, ...] | None = None) -> Path:
    """A folder holding the busy office's workbook just before its busy cycle; copy it, never change it.

    Prepared once per process (about ten seconds) and shared by every local check.
    """
    if (responses, cases) not in _LOCAL_PREPARED:
        root = Path(tempfile.mkdtemp(prefix="sapa-selftest-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _local_prepare(root, responses, cases)
        _LOCAL_PREPARED[responses, cases] = root
    return _LOCAL_PREPARED[responses, cases]


def local_tables(folder: Path) -> dict[str, list[list[object]]]:
    """Every tab's values."""

    book = load_workbook(folder / "sapa.xlsx")
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


def local_state(folder: Path) -> tuple[dict[str, list[list[object]]], dict[str, str]]:
    """Every tab's values and every letter's text."""

    letters = {p.stem: docx_text(p) for p in sorted((folder / "Surat SAPA").glob("*.docx"))}
    return local_tables(folder), letters


def local_cycle(folder: Path, max_request_bytes: int | None = None, at: Callable[[Moment], None] | None = None,
                disk: Disk = DISK) -> Any:
    """One busy cycle on the workbook in `folder`; with a budget, the cycles of its parts back to back.

    `at` is called at the moments of the cycle LocalStore names (staff saving then); `disk` makes the
    writes of the workbook and the letters (a FaultyDisk counts them, or fails one)."""
    backend = LocalBackend(folder, at, disk)
    ctx = make_ctx(max_request_bytes)
    return run_cycles(lambda: run_cycle(backend.store(), ctx, BUSY_AT, backend.writer()))


# --- crash injection ---------------------------------------------------------------------------


class Crash(BaseException):
    """A kill at an arbitrary point: not an Exception, so nothing catches it."""


WRITES = ("writestr", "fsync", "replace")  # the writes of a save, by kind, in the figures' order


class FaultyDisk(Disk):
    """The product's Disk (letters/files.py), counting its writes by kind: `crash` = (kind, k) kills the
    worker at the k-th write of that kind; `fail(kind)` may raise instead of a write (a full disk);
    `read_only` names a file this process may not write."""

    def __init__(self, *, crash: tuple[str, int] | None = None, fail: Callable[[str], None] | None = None,
                 read_only: Path | None = None) -> None:
        self.counts: Counter[str] = Counter()
        self._crash = crash
        self._fail = fail
        self._read_only = read_only

    def write(self, kind: str) -> None:
        self.counts[kind] += 1
        if self._crash == (kind, self.counts[kind]):
            raise Crash(f"{kind} #{self.counts[kind]}")
        if self._fail is not None:
            self._fail(kind)

    def zip_writer(self, file: str | Path | IO[bytes]) -> zipfile.ZipFile:
        return _CountedZip(file, self.write)

    def fsync(self, descriptor: int) -> None:
        self.write("fsync")
        super().fsync(descriptor)

    def replace(self, source: Path | str, target: Path | str) -> None:
        self.write("replace")
        super().replace(source, target)

    def writable(self, path: Path) -> bool:
        return path != self._read_only and super().writable(path)


class _CountedZip(zipfile.ZipFile):
    def __init__(self, file: str | Path | IO[bytes], write: Callable[[str], None]) -> None:
        super().__init__(file, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self._write = write

    def writestr(self, *args: Any, **kwargs: Any) -> None:
        self._write("writestr")
        super().writestr(*args, **kwargs)
