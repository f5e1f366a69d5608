"""Indonesian everywhere staff look (issue #11, item 5): no English word or program code in a staff cell.

The worker's codes (the log's "Kode", the register's "Kode Tahap") and its hashes ("Sidik Respons",
"Kunci Keputusan") are for the worker; every other cell of every tab but the form's responses tabs
is read by staff, after the demo's staff walk has taken cases down every path of the procedure.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from rules.workflow import STATE_LABELS, STEP_NAMES
from sync.commands.health import Health, alarm_event, recovery_event
from sync.cycle.tabs import LETTER_STATUSES
from sync.stores.responses import RESPONSE_TABS
from tests.conftest import Demo

TECHNICAL = {"Kode", "Kode Tahap", "Sidik Respons", "Kunci Keputusan", "Kunci"}  # Kunci: the recap's row keys
ENGLISH = {
    "case", "cases", "created", "letter", "letters", "draft", "drafted", "redrafted", "error", "none", "null",
    "true", "false", "review", "pending", "released", "dismissed", "transition", "intake", "identification",
    "verification", "assignment", "outreach", "decision", "referred", "referral", "closed", "rejected",
    "unknown", "warning", "failed", "missing", "restored", "flagged",
}
# Statuses staff read or pick: each starts with a capital letter.
STATUS_COLUMNS = {"Tahap", "Tahap Sekarang", "Status", "Status Rujukan", "Status rujukan", "Status Waktu"}


def english_or_code(text: str) -> list[str]:
    """What in `text` is an arrow, a snake_case code or a common English word of the worker's."""
    found = ["->"] if "->" in text else []
    found += re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text)
    return found + [w for w in re.findall(r"[A-Za-z]+", text) if w.casefold() in ENGLISH]


def staff_cells(path: Path) -> list[tuple[str, str, str]]:
    """(tab, column, text) of every text cell staff read in the workbook."""
    out = []
    book = load_workbook(path)
    for sheet in book.worksheets:
        if sheet.title in RESPONSE_TABS or re.match(r"^(Form Responses|Respons Formulir) \d+$", sheet.title):
            continue
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(h) if h is not None else "" for h in (rows[0] if rows else ())]
        for values in rows:
            for column, value in zip(header, values, strict=False):
                if column not in TECHNICAL and isinstance(value, str):
                    out.append((sheet.title, column, value))
    return out


@pytest.fixture
def demo_workbook(demo_run: Demo) -> Path:
    return demo_run.workbook


def test_no_english_word_or_code_in_any_staff_cell_after_the_demo_walk(demo_workbook: Path) -> None:
    cells = staff_cells(demo_workbook)
    assert len(cells) > 1000  # the walk filled every tab
    assert [(tab, column, text[:80]) for tab, column, text in cells if english_or_code(text)] == []


def test_the_log_says_each_move_from_step_to_step(demo_workbook: Path) -> None:
    details = {text for tab, column, text in staff_cells(demo_workbook) if tab == "Log Aktivitas"
               and column == "Keterangan"}
    assert "Penerimaan → Identifikasi" in details and "Keputusan tindak lanjut → Dirujuk ke lembaga lain" in details


def test_statuses_start_with_a_capital_letter(demo_workbook: Path) -> None:
    statuses = {(tab, column, text) for tab, column, text in staff_cells(demo_workbook) if column in STATUS_COLUMNS}
    assert {column for _, column, _ in statuses} >= {"Tahap", "Status", "Status Rujukan", "Status Waktu"}
    assert [s for s in statuses if not s[2][0].isupper()] == []
    assert all(s[0].isupper() for s in (*LETTER_STATUSES, *STATE_LABELS.values(), *STEP_NAMES.values()))


def test_the_worker_alarm_and_recovery_rows_are_indonesian() -> None:
    health = Health(failed_cycles=3, first_failure_at=datetime(2026, 11, 30, 3, tzinfo=UTC).isoformat(),
                    last_error="transient", reason="connection reset")
    for event in (alarm_event(health, ZoneInfo("Asia/Jakarta")), recovery_event(health, ZoneInfo("Asia/Jakarta"))):
        assert english_or_code(event.action) == english_or_code(event.detail) == [], event
