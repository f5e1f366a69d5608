"""Change detection on Google (sync/stores/google_changes.py): a store kept across cycles, as `run` keeps
it, answers an idle cycle with two small requests, and still sees every staff edit and every response."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from sync.commands.selftest.office import GoogleBackend, response_row
from sync.cycle.context import Context
from sync.cycle.run import CycleResult, run_cycle
from sync.cycle.tabs import CASE_ID
from sync.stores import google_changes, workspace
from sync.stores.google_store import GoogleStore
from sync.stores.store import Store
from tests.conftest import NOW

GET = "sheets.spreadsheets.get"
BATCH = "sheets.spreadsheets.batchUpdate"
RESPONSES = "Respons Formulir 1"


@pytest.fixture
def ctx() -> Context:
    return Context.from_settings(Settings())


def office(tmp_path: Path, responses: int = 3) -> GoogleBackend:
    google = GoogleBackend(tmp_path)
    google.create([response_row(victim_name=f"Korban {i}") for i in range(responses)], Settings())
    return google


class Worker:
    """One store for every cycle, as `python -m sync run` keeps it; cycles one minute apart."""

    def __init__(self, google: GoogleBackend, ctx: Context, **store: Any) -> None:
        from sync.stores.google_retry import RetryPolicy

        self.google, self.ctx, self.minutes = google, ctx, 0
        self.store: Store = GoogleStore(google.client, google.spreadsheet_id,
                                        retry=RetryPolicy(sleep=lambda _: None), **store)

    def cycle(self) -> CycleResult:
        self.google.double.reset_counts()
        self.minutes += 1
        return run_cycle(self.store, self.ctx, NOW + timedelta(minutes=self.minutes))

    def settle(self) -> None:
        """Cycles until one reads cheaply: the block is written and a full read vouched for it."""
        for _ in range(6):
            self.cycle()
            if self.full_reads() == 0 and not self.writes():
                return
        raise AssertionError("the worker never reached a cheap idle cycle")

    def full_reads(self) -> int:
        return sum(1 for e in self.google.double.log
                   if e.method_id == GET and "includeGridData" in e.url and "ranges=" not in e.url)

    def writes(self) -> int:
        return self.google.double.counts.get(BATCH, 0)

    def bytes(self) -> int:
        return sum(e.response_bytes for e in self.google.double.log)


def test_an_idle_cycle_is_two_small_requests_whatever_the_history(tmp_path: Path, ctx: Context) -> None:
    sizes = []
    for responses in (2, 40):
        worker = Worker(office(tmp_path / str(responses), responses), ctx)
        worker.settle()
        result = worker.cycle()
        assert not result.plan
        assert sum(worker.google.double.counts.values()) == 2, worker.google.double.counts
        sizes.append(worker.bytes())
    assert sizes[1] <= sizes[0] * 1.1 + 100, sizes  # not growing with the number of cases
    assert sizes[1] < 3000, sizes


def type_decision(google: GoogleBackend, ctx: Context) -> Callable[[], None]:
    case = google.tab(ctx.tabs.intake.name)[1][0]

    def edit() -> None:
        google.type_into(ctx.tabs.intake.name, CASE_ID, str(case), "Keputusan", "Teruskan ke Sub Koordinator")
    return edit


EDITS: dict[str, Callable[[GoogleBackend, Context], Callable[[], None]]] = {
    "a decision typed": type_decision,
    "a response arriving": lambda g, c: lambda: g.set_cell(RESPONSES, 5, 1, "Korban baru"),
    "a header renamed": lambda g, c: lambda: g.set_cell(c.tabs.intake.name, 1, 3, "Judul lain"),
    "rows sorted": lambda g, c: lambda: g.sort_rows(c.tabs.intake.name, CASE_ID, reverse=True),
    "a row inserted": lambda g, c: lambda: g.insert_row(c.tabs.intake.name, 2),
    "a column inserted": lambda g, c: lambda: g.insert_column(RESPONSES, 2, "Pertanyaan baru"),
    "a tab added": lambda g, c: lambda: g.add_tab("Catatan staf", [["Catatan"], ["rapat Senin"]]),
    "a date typed": lambda g, c: lambda: g.set_cell(RESPONSES, 2, 0, 46000.25),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_every_edit_between_cycles_makes_a_full_read(tmp_path: Path, ctx: Context, name: str) -> None:
    google = office(tmp_path)
    worker = Worker(google, ctx)
    worker.settle()
    EDITS[name](google, ctx)()
    worker.cycle()
    assert worker.full_reads() >= 1, f"{name}: the worker did not see the edit"


def test_a_decision_typed_between_idle_cycles_is_applied(tmp_path: Path, ctx: Context) -> None:
    google = office(tmp_path)
    worker = Worker(google, ctx)
    worker.settle()
    type_decision(google, ctx)()
    result = worker.cycle()
    assert result.count("transition") == 1


def test_a_full_read_at_least_every_n_cycles(tmp_path: Path, ctx: Context) -> None:
    worker = Worker(office(tmp_path), ctx, full_read_every=4)
    worker.settle()
    full = []
    for _ in range(8):
        worker.cycle()
        full.append(worker.full_reads())
    assert sum(full) == 2 and full.count(1) == 2, full
    assert max(len(list(g)) for g in _runs_of_zero(full)) <= 3


def _runs_of_zero(values: list[int]) -> list[list[int]]:
    runs: list[list[int]] = [[]]
    for v in values:
        if v:
            runs.append([])
        else:
            runs[-1].append(v)
    return runs


def test_the_cycle_after_a_write_reads_in_full(tmp_path: Path, ctx: Context) -> None:
    google = office(tmp_path)
    worker = Worker(google, ctx)
    worker.settle()
    type_decision(google, ctx)()
    assert worker.cycle().plan  # the decision's write
    worker.cycle()
    assert worker.full_reads() == 1


def test_an_error_in_a_tab_turns_change_detection_off_not_blind(tmp_path: Path, ctx: Context) -> None:
    """A cell holding an error makes its tab's fingerprint an error: every cycle reads in full."""
    google = office(tmp_path)
    worker = Worker(google, ctx)
    worker.settle()
    google.set_cell(RESPONSES, 2, 20, "=1/0")
    for _ in range(3):
        worker.cycle()
        assert worker.full_reads() == 1


def test_the_block_is_hidden_and_covers_every_tab(tmp_path: Path, ctx: Context) -> None:
    google = office(tmp_path)
    worker = Worker(google, ctx)
    worker.settle()
    guide = google.double.spreadsheets[google.spreadsheet_id].by_title(workspace.GUIDE_TAB)
    assert guide is not None
    hidden = [c for c in range(google_changes.FIRST_COLUMN, google_changes.FIRST_COLUMN + 3)
              if (guide.col_props.get(guide.col_ids[c]) or {}).get("hiddenByUser")]
    assert hidden == [23, 24, 25]
    titles = [row[google_changes.FIRST_COLUMN] for row in google.double.get_values(google.spreadsheet_id,
                                                                                  workspace.GUIDE_TAB)[1:]
              if len(row) > google_changes.FIRST_COLUMN and row[google_changes.FIRST_COLUMN]]
    assert sorted(titles) == sorted(t for t in google.tabs() if t != workspace.GUIDE_TAB)


@pytest.mark.parametrize("locale", ["id_ID", "de_DE", "en_US"])
def test_in_any_locale_the_fingerprints_are_numbers_the_colours_are_set_and_idle_cycles_read_cheaply(
    tmp_path: Path, ctx: Context, locale: str
) -> None:
    """The office's spreadsheet is id_ID (a decimal comma, `;` between arguments): every formula the worker writes
    parses there, so an idle cycle is two small requests, not a full read."""
    from googledouble.formulas import syntax_error

    google = office(tmp_path)
    google.double._staff_batch(google.spreadsheet_id, [{"updateSpreadsheetProperties": {
        "properties": {"locale": locale}, "fields": "locale"}}])
    worker = Worker(google, ctx)
    worker.settle()
    for _ in range(3):
        assert not worker.cycle().plan and worker.full_reads() == 0
    values = google.double.get_values(google.spreadsheet_id, workspace.GUIDE_TAB)[1:]
    sums = [row[google_changes.FIRST_COLUMN + 2] for row in values if len(row) > google_changes.FIRST_COLUMN + 2]
    assert sums and all(isinstance(v, (int, float)) and v > 0 for v in sums), sums
    book = google.double.spreadsheets[google.spreadsheet_id]
    rules = [r for sheet in book.sheets for r in sheet.conditional_formats]
    assert len(rules) >= 10  # each role tab's colours and the stale heartbeat's red
    custom = [v["userEnteredValue"] for r in rules for v in r["booleanRule"]["condition"]["values"]]
    assert not [f for f in custom if syntax_error(f, decimal_comma=True)]  # they parse in a decimal-comma locale


def test_a_tab_title_with_a_quote_is_quoted_in_the_formula() -> None:
    text = google_changes.formula("Catatan 'rahasia'!", 2)
    assert "'Catatan ''rahasia''!'!A1:A" in text
    assert text.startswith("=1*SUMPRODUCT(LEN(") and text.endswith("!A1:B)")


def test_a_same_length_edit_is_seen_at_the_next_full_read(tmp_path: Path, ctx: Context) -> None:
    """The documented limit: a change that keeps every length and number is seen at the next full read."""
    google = office(tmp_path)
    worker = Worker(google, ctx, full_read_every=3)
    worker.settle()
    intake = ctx.tabs.intake.name
    headers = google.tab(intake)[0]
    column = headers.index("Keputusan")
    google.set_cell(intake, 2, column, "Tolak")
    worker.cycle()  # a full read: the length changed
    worker.cycle()
    google.set_cell(intake, 2, column, "Tolax")  # same length: unseen by the fingerprint
    seen = []
    for _ in range(3):
        worker.cycle()
        seen.append(worker.full_reads())
    assert 1 in seen


def test_the_double_computes_a_fingerprint_as_sheets_does() -> None:
    """SUMPRODUCT over LEN and ROW of open-ended columns, plus SUM; mismatched sizes are #VALUE!."""
    from googledouble import GoogleDouble

    double = GoogleDouble()
    sid = double.create_spreadsheet("x", {"T": [["a", "bb"], ["ccc", 1.5]], "P": [["x"]]})
    sheets = double.service("sheets", "v4")

    def value(formula: str) -> object:
        sheets.spreadsheets().values().update(spreadsheetId=sid, range="P!B1", valueInputOption="USER_ENTERED",
                                              body={"values": [[formula]]}).execute()
        return double.cell(sid, "P", "B1").value

    # A: len 1 at row 1, len 3 at row 2 -> 7; B: len 2 at row 1, "1.5" (3) at row 2 -> 8, weighted 2; sum 1.5
    assert value(google_changes.formula("T", 2)) == 24.5
    assert value("=SUMPRODUCT(LEN('T'!A1:B);ROW('T'!A1:A))") == "#VALUE!"  # 2x2 against 2x1
    assert value(google_changes.formula("T", 2).replace(";", ",")) == "#ERROR!"  # `,`: no formula in id_ID
