"""Check 1: a kill at every API request (Google, over the double) and at every file write (local)."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from config.settings import Settings
from rules.complaint import FIELDS
from sync import demo
from sync.cycle import run_cycle
from sync.selftest.common import (
    RESPONSES_TAB,
    WRITES,
    Crash,
    all_accounted,
    bench_cases,
    counting,
    crash_at,
    find_problems,
    google_prepared,
    google_state,
    google_tables,
    make_ctx,
    parallel,
    settle,
    thaw,
)
from sync.tabs import CASE_ID
from sync.text import cell_text


def _google_point(responses: int, cases: tuple[int, ...] | None, k: int, applied: bool, expected: Any) -> bool:
    from sync.bench import BUSY_AT
    from tests.google_double import SimulatedCrash

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
    from sync.bench import BUSY_AT

    ctx = make_ctx()
    office, blob = google_prepared(responses, cases)
    reference = thaw(office, blob)
    reference.double.reset_counts()
    run_cycle(reference.store(), ctx, BUSY_AT, reference.writer)
    requests = sum(reference.double.counts.values())
    settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    expected = google_state(reference)
    tables = google_tables(reference)
    sound = not find_problems(tables, ctx) and all_accounted(tables, ctx, BUSY_AT)
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


def _local_prepare(folder: Path, responses: int, cases: tuple[int, ...] | None) -> None:
    """The bench's scenario on a local workbook: cases walked, new responses in, decisions typed."""
    from openpyxl import load_workbook

    from sync.bench import BUSY_START, SETUP_AT, SETUP_START
    from tests.backends import LocalBackend

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
    return run_cycle(backend.store(), make_ctx(), BUSY_AT, backend.writer())


def _local_point(root: Path, name: str, k: int, expected: Any) -> bool:
    ctx = make_ctx()
    folder = root / f"{name}{k}"
    shutil.copytree(root / "prepared", folder)
    crashed = False
    try:
        with crash_at(name, k):
            _local_cycle(folder)
    except Crash:
        crashed = True
    try:
        settled = settle(lambda: _local_cycle(folder))
        state = _local_state(folder)
        return crashed and settled and state == expected and not find_problems(state[0], ctx)
    except Exception:
        return False
    finally:
        shutil.rmtree(folder)


def crash_local(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    from sync.bench import BUSY_AT

    ctx = make_ctx()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        prepared = root / "prepared"
        prepared.mkdir()
        _local_prepare(prepared, responses, cases)
        reference = root / "reference"
        shutil.copytree(prepared, reference)
        counts: Counter[str] = Counter()
        with counting(counts):
            _local_cycle(reference)
        settle(lambda: _local_cycle(reference))
        expected = _local_state(reference)
        sound = not find_problems(expected[0], ctx) and all_accounted(expected[0], ctx, BUSY_AT)
        points = [(name, k) for _, name in WRITES for k in range(1, counts[name] + 1)]
        results = parallel(_local_point, [(root, name, k, expected) for name, k in points])
        survived = sum(results)
        failed = [f"{name}#{k}" for (name, k), good in zip(points, results, strict=True) if not good]
    ok = sound and survived == len(points) and len(points) >= 3
    by_kind = ", ".join(f"{n} {counts[n]}" for _, n in WRITES)
    figure = f"local: {survived}/{len(points)} crash points survived ({by_kind}; {responses} responses)"
    if failed:
        figure += f"; failed at {','.join(failed[:8])}"
    return figure, ok
