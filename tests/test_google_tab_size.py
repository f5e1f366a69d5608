"""Google tabs the size of their content (issue 22): a new worker tab is its header and a small margin,
and grows with the rows the worker inserts above the margin, inside the ranges of its dropdowns and
colours, which the insert extends; the row guard's sentinel stays on the last grid row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from config.settings import Settings
from sync.commands import demo
from sync.commands.selftest.office import GoogleBackend
from sync.cycle.context import Context
from sync.cycle.run import CycleResult, run_cycle, run_cycles
from sync.cycle.tabs import RECAP_ROWS
from sync.stores import workspace
from sync.stores.google_requests import END, NEW_SHEET_MARGIN, NEW_SHEET_ROWS
from tests.conftest import NOW
from tests.test_google_init import Office


def sheets(google: GoogleBackend) -> dict[str, dict[str, Any]]:
    """Every tab's grid size and conditional format ranges, as the API gives them."""
    body = google.client.http_client.fetch_sheet_metadata(google.spreadsheet_id, params={
        "fields": "sheets(properties(title,gridProperties(rowCount)),conditionalFormats(ranges))"})
    return {s["properties"]["title"]: s for s in body["sheets"]}


def data_rows(google: GoogleBackend, title: str) -> int:
    """The sheet row number of the last row holding a value (1: the header only)."""
    rows = google.double.get_values(google.spreadsheet_id, title)
    return max((n for n, row in enumerate(rows, start=1) if any(v not in (None, "") for v in row)), default=0)


def end_rows(google: GoogleBackend, title: str) -> list[int]:
    return [n for n, entries in google.double.row_metadata(google.spreadsheet_id, title).items()
            for key, _ in entries if key == END]


def cycles(google: GoogleBackend, ctx: Context) -> list[CycleResult]:
    done: list[CycleResult] = []

    def one() -> CycleResult:
        done.append(run_cycle(google.store(), ctx, NOW, google.writer()))
        return done[-1]

    run_cycles(one)
    return done


def assert_sized(google: GoogleBackend, ctx: Context, filled: set[str]) -> None:
    """Every worker tab is its rows and the margin; its sentinel on the last grid row; its colours over
    every data row (`filled`: tabs expected to hold rows)."""
    found = sheets(google)
    for layout in ctx.tabs.all:
        sheet = found[layout.name]
        grid = sheet["properties"]["gridProperties"]["rowCount"]
        last = data_rows(google, layout.name)
        assert (last > 1) == (layout.name in filled), layout.name
        if layout.name == ctx.tabs.recap.name:
            assert grid >= RECAP_ROWS
        elif layout.name != workspace.GUIDE_TAB:  # the help tab's hidden block may reach into its margin
            assert grid == last + NEW_SHEET_MARGIN, layout.name
        assert end_rows(google, layout.name) == [grid], layout.name
        if layout.name == workspace.GUIDE_TAB:
            continue  # its one colour is the heartbeat cell's
        for rule in sheet.get("conditionalFormats") or []:
            for rng in rule["ranges"]:
                assert rng["startRowIndex"] == 1 and rng["endRowIndex"] >= last, (layout.name, rng)


def test_new_tabs_are_their_rows_and_a_margin(tmp_path: Path, settings: Settings, ctx: Context) -> None:
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(30), settings)
    run_cycle(google.store(), ctx, NOW, google.writer())
    filled = {ctx.tabs.register.name, ctx.tabs.intake.name, ctx.tabs.review.name, ctx.tabs.log.name,
              ctx.tabs.guide.name, ctx.tabs.recap.name}
    assert_sized(google, ctx, filled)
    assert sheets(google)[ctx.tabs.roles["subkoor"].name]["properties"]["gridProperties"]["rowCount"] \
        == NEW_SHEET_ROWS  # an empty tab: its header and the margin


def test_a_tab_grows_past_its_margin_inside_its_colours(tmp_path: Path, settings: Settings) -> None:
    """Cases written over several cycles (parts) go into tabs an earlier cycle made small."""
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(40), settings)
    ctx = Context.from_settings(Settings.model_validate({"worker": {"max_request_bytes": 250_000}}))
    done = cycles(google, ctx)
    assert len(done) >= 2
    first = sum(1 for e in done[0].events if e.code == "case_created")
    assert data_rows(google, ctx.tabs.register.name) - 1 - first > NEW_SHEET_MARGIN  # grown past the margin
    filled = {ctx.tabs.register.name, ctx.tabs.intake.name, ctx.tabs.review.name, ctx.tabs.log.name,
              ctx.tabs.guide.name, ctx.tabs.recap.name}
    assert_sized(google, ctx, filled)
    assert not run_cycle(google.store(), ctx, NOW, google.writer()).plan


def test_the_first_rows_of_a_tab_init_made_are_inside_its_colours(tmp_path: Path) -> None:
    """An empty tab's first row is written in place and the rest inserted below it: an insert at the
    first row of its ranges would push the ranges down, below the new rows."""
    office = Office(tmp_path, rows=20)
    office.init()
    intake = office.ctx.tabs.intake.name
    assert sheets(office.backend)[intake]["properties"]["gridProperties"]["rowCount"] == NEW_SHEET_ROWS
    office.cycle()
    filled = {office.ctx.tabs.register.name, intake, office.ctx.tabs.review.name, office.ctx.tabs.log.name,
              office.ctx.tabs.guide.name, office.ctx.tabs.recap.name}
    assert_sized(office.backend, office.ctx, filled)
    assert sheets(office.backend)[intake].get("conditionalFormats")  # the intake tab has colours


def validations(google: GoogleBackend, title: str, column: str, last: int) -> list[bool]:
    """Whether each data row's cell of `column` (A1 letter) carries a data validation."""
    body = google.client.http_client.fetch_sheet_metadata(google.spreadsheet_id, params={
        "includeGridData": "true", "ranges": f"'{title}'!{column}2:{column}{last}",
        "fields": "sheets(data(rowData(values(dataValidation))))"})
    rows = body["sheets"][0]["data"][0].get("rowData") or []
    rows += [{}] * (last - 1 - len(rows))
    return [bool((r.get("values") or [{}])[0].get("dataValidation")) for r in rows]


def test_inserted_rows_inherit_the_dropdown_of_the_row_before(tmp_path: Path) -> None:
    office = Office(tmp_path, rows=20)
    office.init()
    office.cycle()
    layout = office.ctx.tabs.intake
    dropdown = layout.dropdowns[0].header
    headers = office.backend.tab(layout.name)[0]
    letter = chr(ord("A") + headers.index(dropdown))
    last = data_rows(office.backend, layout.name)
    assert all(validations(office.backend, layout.name, letter, last))


def test_the_help_tab_grows_to_hold_a_fingerprint_row_for_every_tab(tmp_path: Path, settings: Settings,
                                                                     ctx: Context) -> None:
    """The change-detection block (Panduan X:Z) has a row for every other tab: more tabs than the help
    tab's rows (staff's own tabs) grow its grid, instead of a write past its last row."""
    google = GoogleBackend(tmp_path)
    google.create(demo.sample_rows(3), settings)
    extra = [{"addSheet": {"properties": {"title": f"Catatan {n}", "gridProperties": {"rowCount": 5}}}}
             for n in range(50)]
    google.client.http_client.batch_update(google.spreadsheet_id, {"requests": extra})
    run_cycle(google.store(), ctx, NOW, google.writer())
    guide = sheets(google)[workspace.GUIDE_TAB]["properties"]["gridProperties"]["rowCount"]
    assert guide > 50 + 1
    assert len(google.store().read([t.name for t in ctx.tabs.all]).tabs) == len(ctx.tabs.all)
    rows = google.double.get_values(google.spreadsheet_id, workspace.GUIDE_TAB)
    titles = {row[23] for row in rows[1:] if len(row) > 23 and row[23]}
    assert {f"Catatan {n}" for n in range(50)} <= titles  # column X: every tab's title
