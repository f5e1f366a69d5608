"""Check 3: staff edit the spreadsheet (Google) or save the workbook (local) between the worker's read and its write."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook

from rules.errors import SapaError
from sync.commands.bench import BUSY_AT
from sync.commands.selftest.common import (
    RESPONSES_TAB,
    all_accounted,
    find_problems,
    google_prepared,
    google_tables,
    local_cycle,
    local_prepared,
    local_tables,
    make_ctx,
    parallel,
    settle,
    thaw,
)
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import CASE_ID, I
from sync.stores.local_store import Moment
from sync.stores.text import cell_text

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# --- 3. staff edits mid-cycle -------------------------------------------------------------------

EDITS = ("sort", "sort responses", "insert rows", "delete row", "move column", "rename tab", "delete tab")

_IDENTITY = (I.VICTIM, I.AGE, I.SEX, I.KECAMATAN, I.KELURAHAN, I.REPORTER, I.PHONE, I.ADDRESS)


def _identity_cells(tables: Mapping[str, list[list[object]]]) -> Iterator[tuple[str, str, object]]:
    """(case ID, identity column, value) of every filled identity cell, in every tab with a case ID."""
    for rows in tables.values():
        headers = [cell_text(h) for h in rows[0]] if rows else []
        if CASE_ID not in headers:
            continue
        key = headers.index(CASE_ID)
        for row in rows[1:]:
            case = str(cell_text(row[key]) or "") if key < len(row) else ""
            for i, header in enumerate(headers):
                if case and header in _IDENTITY and i < len(row) and row[i] not in (None, ""):
                    yield case, str(header), row[i]


def _identities(tables: Mapping[str, list[list[object]]]) -> dict[str, dict[str, object]]:
    """case ID -> {identity column: value}, from every tab that has both."""
    out: dict[str, dict[str, object]] = {}
    for case, header, value in _identity_cells(tables):
        out.setdefault(case, {}).setdefault(header, value)
    return out


def _misplaced(tables: Mapping[str, list[list[object]]], expected: Mapping[str, Mapping[str, object]]) -> int:
    """Identity cells holding another case's value (or a case the reference does not know)."""
    return sum(expected.get(case, {}).get(header) != value
               for case, header, value in _identity_cells(tables) if case.startswith("SAPA-"))


def _edit_point(responses: int, cases: tuple[int, ...] | None, edit: str, k: int,
                expected: Mapping[str, Mapping[str, object]]) -> str:
    """'' when the edit before request k left every value in its case's row and every tab and header back."""

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
    return _verdict(google_tables(copy), ctx, expected)


def _verdict(tables: Mapping[str, list[list[object]]], ctx: Context,
             expected: Mapping[str, Mapping[str, object]]) -> str:
    """'' when every value is in its case's row, every tab and header is back, nothing doubled or lost."""

    missing = [f"{t.name}/{h}" for t in ctx.tabs.all for h in t.headers
               if t.name not in tables or h not in [cell_text(x) for x in (tables[t.name] or [[]])[0]]]
    wrong = _misplaced(tables, expected)
    problems = find_problems(tables, ctx)
    if missing or wrong or problems or not all_accounted(tables, ctx, BUSY_AT):
        return f"{wrong} misplaced, missing {missing[:2]}, {problems[:1]}"
    return ""


# --- the same edits on the local workbook, saved from LibreOffice --------------------------------

# When staff save: between two cycles, or after the worker's read and before its write (the store must see
# the change, refuse, and leave the staff's file as they saved it).
LOCAL_MOMENTS = ("between cycles", "before the write")
# Narrower races, each with two edits: saved while the worker loads the file, or while it builds the new one.
LOCAL_RACES = ("during the read", "during the write")
RACE_EDITS = ("sort", "move column")


def _in_libreoffice(path: Path, change: Callable[[Workbook], None]) -> None:
    """Open the workbook, change it, save it and close it, as staff do in LibreOffice (no lock file is left)."""

    book = load_workbook(path)
    change(book)
    book.save(path)


def _rewrite(sheet: Worksheet, rows: list[list[tuple[object, str]]], first: int) -> None:
    """Put (value, number format) rows back from sheet row `first` on; text stays text."""
    for number, row in enumerate(rows, start=first):
        for column, (value, number_format) in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            cell.number_format = number_format
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would make "=..." a formula


def _cells(sheet: Worksheet, first: int) -> list[list[tuple[object, str]]]:
    return [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows(min_row=first)]


def _sort(sheet: Worksheet, column: int) -> None:
    """Data > Sort, descending by a 0-based column, whole rows moving together."""
    rows = _cells(sheet, 2)
    rows.sort(key=lambda r: str(r[column][0] if column < len(r) and r[column][0] is not None else ""), reverse=True)
    _rewrite(sheet, rows, 2)


def _move_column(sheet: Worksheet, source: int, to: int) -> None:
    """Drag a column (0-based) so that it ends at position `to`, its values and formats moving with it."""
    rows = _cells(sheet, 1)
    for row in rows:
        row.insert(to, row.pop(source) if source < len(row) else (None, "General"))
    _rewrite(sheet, rows, 1)


def _local_edits(ctx: Context) -> dict[str, Callable[[Workbook], None]]:
    """The Google check's edits, as a person makes them in LibreOffice."""
    intake, roles = ctx.tabs.intake.name, ctx.tabs.roles
    kadis, kabid, tim = roles["kadis"].name, roles["kabid"].name, roles["tim"].name

    def rename(book: Workbook) -> None:
        book[kadis].title = kadis + " lama"

    return {
        "sort": lambda b: _sort(b[intake], 0),
        "sort responses": lambda b: _sort(b[RESPONSES_TAB], 1),
        "insert rows": lambda b: b[intake].insert_rows(2, 2),
        "delete row": lambda b: b[intake].delete_rows(3),
        "move column": lambda b: _move_column(b[kabid], 9, 1),
        "rename tab": rename,
        "delete tab": lambda b: b.remove(b[tim]),
    }


def _local_edit_point(prepared: Path, root: Path, edit: str, moment: str,
                      expected: Mapping[str, Mapping[str, object]]) -> str:
    """'' when staff saving `edit` at `moment` of the busy cycle left every value in its case's row."""
    ctx = make_ctx()
    folder = root / f"{edit}-{moment}".replace(" ", "-")
    shutil.copytree(prepared, folder)
    path = folder / "sapa.xlsx"
    saved: list[bytes] = []

    def staff() -> None:
        if not saved:
            _in_libreoffice(path, _local_edits(ctx)[edit])
            saved.append(path.read_bytes())

    at = {"during the read": "read", "before the write": "write", "during the write": "save"}.get(moment)

    def staff_at(now: Moment) -> None:
        if now == at:
            staff()

    try:
        if moment == "between cycles":
            staff()
        with contextlib.suppress(SapaError):  # refused: the next cycle starts from the saved file
            local_cycle(folder, at=staff_at)
        if not saved:
            return "the edit never happened"
        if moment != "between cycles" and path.read_bytes() != saved[0]:
            return "the worker saved over the staff's edit"
        if not settle(lambda: local_cycle(folder)):
            return "did not settle"
        return _verdict(local_tables(folder), ctx, expected)
    except Exception as err:
        return f"unexpected {type(err).__name__}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _call(function: Callable[..., str], args: tuple[Any, ...]) -> str:
    return function(*args)


def staff_edits(responses: int, cases: tuple[int, ...] | None = None) -> tuple[str, bool]:
    ctx = make_ctx()
    office, blob = google_prepared(responses, cases)
    reference = thaw(office, blob)
    reference.double.reset_counts()
    settled = settle(lambda: run_cycle(reference.store(), ctx, BUSY_AT, reference.writer))
    log = reference.double.log
    writes = [i for i, e in enumerate(log, start=1) if e.method_id == "sheets.spreadsheets.batchUpdate"]
    requests = writes[0] if writes else 0  # the busy cycle's one Sheets write
    expected = _identities(google_tables(reference))
    prepared = local_prepared(responses, cases)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(prepared, root / "reference")
        settled = settle(lambda: local_cycle(root / "reference")) and settled
        local_expected = _identities(local_tables(root / "reference"))
        moments = sorted({1, 2, requests})  # before the read, after it, just before the write
        google = [(e, k) for e in EDITS for k in moments]
        local = [(e, m) for e in EDITS for m in LOCAL_MOMENTS] + [(e, m) for m in LOCAL_RACES for e in RACE_EDITS]
        results = parallel(_call, [(_edit_point, (responses, cases, e, k, expected)) for e, k in google]
                           + [(_local_edit_point, (prepared, root, e, m, local_expected)) for e, m in local])
    google_failed = [f"google: {e} before request {k}: {r}"
                     for (e, k), r in zip(google, results[:len(google)], strict=True) if r]
    local_failed = [f"local: {e} {m}: {r}" for (e, m), r in zip(local, results[len(google):], strict=True) if r]
    ok = (settled and requests > 2 and not google_failed and not local_failed and len(expected) >= 50
          and len(local_expected) >= 50)
    figure = (f"staff edits: google {len(google) - len(google_failed)}/{len(google)}, "
              f"local {len(local) - len(local_failed)}/{len(local)} edits mid-cycle left every value in its "
              f"case's row and every tab and header in place ({len(expected)}, {len(local_expected)} cases)")
    failed = google_failed + local_failed
    if failed:
        figure += "; " + "; ".join(failed[:4])
    return figure, ok
