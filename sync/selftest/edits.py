"""Check 3: staff edit the spreadsheet between the worker's read and its write."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from rules.errors import SapaError
from sync.cycle import run_cycle
from sync.selftest.common import (
    RESPONSES_TAB,
    all_accounted,
    find_problems,
    google_prepared,
    google_tables,
    make_ctx,
    parallel,
    settle,
    thaw,
)
from sync.tabs import CASE_ID
from sync.text import cell_text

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

    ctx = make_ctx()
    office, blob = google_prepared(responses, cases)
    copy = thaw(office, blob)
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
        if not settle(lambda: run_cycle(copy.store(), ctx, BUSY_AT, copy.writer)):
            return "did not settle"
    except Exception as err:
        return f"unexpected {type(err).__name__}"
    tables = google_tables(copy)
    missing = [f"{t.name}/{h}" for t in tabs.all for h in t.headers
               if t.name not in tables or h not in [cell_text(x) for x in (tables[t.name] or [[]])[0]]]
    wrong = _misplaced(tables, expected)
    problems = find_problems(tables, ctx)
    if missing or wrong or problems or not all_accounted(tables, ctx, BUSY_AT):
        return f"{wrong} misplaced, missing {missing[:2]}, {problems[:1]}"
    return ""


def staff_edits(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    from sync.bench import BUSY_AT

    ctx = make_ctx()
    office, blob = google_prepared(responses, cases)
    reference = thaw(office, blob)
    reference.double.reset_counts()
    settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    requests = sum(1 for e in reference.double.log if e.method_id != "sheets.spreadsheets.get") + 1
    expected = _identities(google_tables(reference))
    edits = ("sort", "sort responses", "insert rows", "delete row", "move column", "rename tab", "delete tab")
    moments = sorted({1, 2, requests})  # before the read, after it, just before the write
    points = [(e, k) for e in edits for k in moments]
    results = parallel(_edit_point, [(responses, cases, e, k, expected) for e, k in points])
    failed = [f"{e} before request {k}: {r}" for (e, k), r in zip(points, results, strict=True) if r]
    ok = not failed and len(expected) >= 50
    figure = (f"staff edits: {len(points) - len(failed)}/{len(points)} edits mid-cycle left every value in its "
              f"case's row and every tab and header in place")
    if failed:
        figure += "; " + "; ".join(failed[:4])
    return figure, ok
