"""The staff workspace on both backends: frozen columns, a filter that hides finished cases,
colours as conditional formats, notes on staff columns, hidden technical columns, the
Panduan tab and its heartbeat (written on a busy cycle, not on an idle one within the period)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from config.settings import Settings
from rules.workflow import STATE_LABELS
from sync.commands import demo
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend, response_row
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import I, L, R, V, layouts
from sync.stores import workspace
from sync.stores.store import UpdateRow
from tests.conftest import NOW
from tests.test_workflow_cycle import act


@dataclass
class Seen:
    """A tab's look as a backend stores it."""

    headers: list[str]
    frozen_rows: int
    frozen_columns: int
    filtered: bool
    filter_hides: dict[str, set[str]] = field(default_factory=dict)
    filter_shows: dict[str, str] = field(default_factory=dict)  # local: the values shown; Google: its condition
    formulas: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)  # local: rows the filter hides (1-based)
    fills: dict[str, str] = field(default_factory=dict)  # conditional format formula -> its fill, RRGGBB


def seen(backend: Backend, tab: str) -> Seen:
    if isinstance(backend, LocalBackend):
        return _local(backend.path, tab)
    assert isinstance(backend, GoogleBackend)
    return _google(backend, tab)


def _local(path: Path, tab: str) -> Seen:
    sheet = load_workbook(path)[tab]
    headers = [str(c.value or "") for c in sheet[1]]
    pane = sheet.freeze_panes or "A1"
    frozen = sheet[pane]
    hides = {headers[c.colId]: {f.val for f in c.customFilters.customFilter}
             for c in sheet.auto_filter.filterColumn if c.customFilters is not None}
    shows = {headers[c.colId]: ",".join(c.filters.filter) for c in sheet.auto_filter.filterColumn
             if c.filters is not None}
    rules = [rule for cf in sheet.conditional_formatting for rule in cf.rules]
    formulas = [f for rule in rules for f in rule.formula]
    return Seen(
        headers, frozen.row - 1, frozen.column - 1, bool(sheet.auto_filter.ref), hides, shows, formulas,
        {str(c.value): c.comment.text for c in sheet[1] if c.comment is not None},
        {h for i, h in enumerate(headers, start=1) if sheet.column_dimensions[_letter(i)].hidden},
        {n for n, d in sheet.row_dimensions.items() if d.hidden},
        {rule.formula[0]: str(rule.dxf.fill.bgColor.rgb)[-6:] for rule in rules if rule.dxf and rule.dxf.fill},
    )


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _google(backend: GoogleBackend, tab: str) -> Seen:
    fields = ("sheets(properties(title,gridProperties),basicFilter,conditionalFormats,"
              "data(columnMetadata(hiddenByUser),rowData(values(note,effectiveValue))))")
    body = backend.client.http_client.fetch_sheet_metadata(
        backend.spreadsheet_id, params={"includeGridData": "true", "fields": fields})
    sheet = next(s for s in body["sheets"] if s["properties"]["title"] == tab)
    grid = sheet["properties"].get("gridProperties", {})
    data = sheet["data"][0]
    first = (data.get("rowData") or [{}])[0].get("values", [])
    headers = [str((v.get("effectiveValue") or {}).get("stringValue", "")) for v in first]
    filter_ = sheet.get("basicFilter")
    specs = (filter_ or {}).get("filterSpecs", [])
    hides = {headers[s["columnIndex"]]: set(s["filterCriteria"]["hiddenValues"])
             for s in specs if "hiddenValues" in s["filterCriteria"]}
    shows = {headers[s["columnIndex"]]: s["filterCriteria"]["condition"]["type"]
             for s in specs if "condition" in s["filterCriteria"]}
    rules = [r["booleanRule"] for r in sheet.get("conditionalFormats", [])]
    formulas = [r["condition"]["values"][0]["userEnteredValue"].lstrip("=") for r in rules]
    fills = {f: _hex(r["format"]["backgroundColorStyle"]["rgbColor"]) for f, r in zip(formulas, rules, strict=True)}
    columns = data.get("columnMetadata", [])
    return Seen(
        headers, grid.get("frozenRowCount", 0), grid.get("frozenColumnCount", 0), filter_ is not None, hides,
        shows, formulas, {headers[i]: v["note"] for i, v in enumerate(first) if v.get("note")},
        {headers[i] for i, c in enumerate(columns[:len(headers)]) if c.get("hiddenByUser")}, fills=fills,
    )


def _hex(rgb: dict[str, float]) -> str:
    return "".join(f"{round(rgb.get(k, 0) * 255):02X}" for k in ("red", "green", "blue"))


def queue_filter(backend: Backend) -> dict[str, str]:
    """How a role tab's filter shows its queue: the values, or Google's "not blank" (the same rows)."""
    return {I.TURN: "NOT_BLANK" if isinstance(backend, GoogleBackend) else ",".join(workspace.QUEUE_VALUES)}


def test_role_tabs_put_the_case_its_risk_time_and_the_decision_first_frozen_and_coloured(
    backend, settings, cycle
) -> None:
    backend.create(demo.sample_rows(6), settings)
    cycle()
    for role, layout in layouts(settings).roles.items():
        tab = seen(backend, layout.name)
        # the decision, what the worker says of it and the deadline on the first screen; then the staff's fields
        assert tab.headers[:7] == [I.ID, I.RISK, I.CLOCK, I.TURN, I.DECISION, I.MESSAGE, I.DUE], role
        opening = [I.WA_SAFE, I.WA_NOTE, I.WA_LINK] if role == "subkoor" else []
        assert tab.headers[7:7 + len(opening) + len(layout.staff) - 1] == [*opening, *layout.staff[1:]], role
        assert (tab.frozen_rows, tab.frozen_columns) == (1, 5), role
        assert tab.filtered and tab.filter_hides == {} and tab.filter_shows == queue_filter(backend), role
        assert set(tab.notes) == set(layout.staff) and all(tab.notes.values()), role
        assert 'TRIM($B2)="DARURAT"' in tab.formulas, role  # the row's own risk cell: follows sorting
        assert 'TRIM($C2)="Terlambat"' in tab.formulas and 'TRIM($D2)="Ya"' in tab.formulas, role
        assert any(STATE_LABELS["closed"] in f and STATE_LABELS["rejected"] in f for f in tab.formulas), role
        assert "Sisa Waktu" not in tab.headers


def test_technical_columns_are_hidden_from_staff_and_every_tab_has_a_filter(backend, settings, cycle) -> None:
    backend.create(demo.sample_rows(4), settings)
    cycle()
    tabs = layouts(settings)
    assert seen(backend, tabs.register.name).hidden == {R.STATE_KEY, R.FINGERPRINT, R.APPLIED}  # all visits shown
    assert seen(backend, tabs.log.name).hidden == {L.CODE}
    for layout in tabs.all:
        if layout.name in backend.tabs():
            assert seen(backend, layout.name).filtered, layout.name
    if tabs.review.name in backend.tabs():
        assert seen(backend, tabs.review.name).hidden == {V.FINGERPRINT}


def test_a_tab_opens_on_its_queue_and_clearing_the_filter_shows_every_case(backend, settings, cycle) -> None:
    backend.create([response_row(story="satu"), response_row(story="dua", timestamp=NOW.replace(tzinfo=None))],
                   settings)
    cycle()
    act(backend, settings, "SAPA-2026-0001", ("admin", {I.DECISION: "Tolak", "Alasan": "uji coba"}))
    cycle(NOW + timedelta(minutes=5))
    intake = settings.tabs.intake
    table = backend.tab(intake)
    state = table[0].index(I.STATE)
    rejected = [n for n, row in enumerate(table[1:], start=2) if row[state] == STATE_LABELS["rejected"]]
    assert len(rejected) == 1 and len(table) == 3  # still in the tab: the filter hides it
    turn = table[0].index(I.TURN)
    assert [row[turn] or None for row in table[1:]] == [None, workspace.YES]  # the rejected case left the queue
    tab = seen(backend, intake)
    assert tab.filter_shows == queue_filter(backend)
    if isinstance(backend, LocalBackend):  # LibreOffice shows the rows' hidden flags as saved
        assert tab.hidden_rows == set(rejected) == {2}


def test_the_guide_tab_explains_the_workspace_and_shows_when_the_worker_last_ran(backend, settings, cycle) -> None:
    backend.create(demo.sample_rows(2), settings)
    cycle()
    guide = backend.tab(workspace.GUIDE_TAB)
    assert guide[0][:2] == [workspace.TOPIC, workspace.TEXT]
    assert guide[1][0] == workspace.HEARTBEAT
    assert workspace.as_time(guide[1][1]) == NOW.replace(tzinfo=None) + timedelta(hours=7)  # 10:00 WIB
    topics = [row[0] for row in guide[2:]]
    assert "Cara mengambil keputusan" in topics and "Kasus selesai" in topics and "Warna merah muda" in topics
    tab = seen(backend, workspace.GUIDE_TAB)
    minutes = workspace.stale_minutes(settings)
    sep = ";" if backend.name == "google" else ","  # `;` parses in every Google locale; an .xlsx stores `,`
    assert tab.formulas[-1] == f"AND(ISNUMBER($B$2){sep}NOW()-$B$2>{minutes}/1440)"
    # each colour the guide explains is a swatch: its topic cell is filled with that colour
    for topic, color, _ in workspace.COLOURS:
        assert topic in topics and tab.fills[f'TRIM($A2)="{topic}"'] == color, topic
    assert {f"Tab '{settings.recap.tab}'", f"Tab '{workspace.NOTICES_TAB}'", f"Tab '{settings.tabs.review}'",
            "Tab 'Form Responses 1 / Respons Formulir 1'"} <= set(topics)
    assert not any("python -m" in str(text) for row in guide for text in row)  # no command line for staff


def test_the_heartbeat_is_written_with_a_busy_cycle_and_by_an_idle_one_only_when_due(
    backend, settings, cycle
) -> None:
    backend.create(demo.sample_rows(2), settings)
    cycle()
    assert not cycle(NOW + timedelta(minutes=settings.heartbeat_minutes - 1)).plan  # idle, within the period
    due = cycle(NOW + timedelta(minutes=settings.heartbeat_minutes)).plan.operations
    assert [type(op) for op in due] == [UpdateRow] and due[0].tab == workspace.GUIDE_TAB
    backend.type_into(settings.tabs.intake, I.ID, "SAPA-2026-0001", I.ADMIN_NOTE, "dibaca")  # staff column only
    assert not cycle(NOW + timedelta(minutes=settings.heartbeat_minutes + 2)).plan
    backend.type_into(settings.tabs.intake, I.ID, "SAPA-2026-0001", I.DECISION, "Teruskan ke Sub Koordinator")
    busy = cycle(NOW + timedelta(minutes=settings.heartbeat_minutes + 3)).plan.operations
    beats = [op for op in busy if isinstance(op, UpdateRow) and op.tab == workspace.GUIDE_TAB]
    assert len(beats) == 1 and len(busy) > 1
    later = NOW.replace(tzinfo=None) + timedelta(hours=7, minutes=settings.heartbeat_minutes + 3)
    assert workspace.as_time(backend.tab(workspace.GUIDE_TAB)[1][1]) == later


def test_stale_after_three_polls_or_the_heartbeat_period_and_two_polls() -> None:
    assert workspace.stale_minutes(Settings(poll_interval_seconds=60, heartbeat_minutes=15)) == 17
    assert workspace.stale_minutes(Settings(poll_interval_seconds=600, heartbeat_minutes=15)) == 35
    assert workspace.stale_minutes(Settings(poll_interval_seconds=600, heartbeat_minutes=1)) == 30


def test_an_older_local_workbook_gets_the_look_once(tmp_path: Path, settings) -> None:
    backend = LocalBackend(tmp_path)
    backend.create(demo.sample_rows(3), settings)
    ctx = Context.from_settings(settings)
    run_cycle(backend.store(), ctx, NOW, backend.writer())
    book = load_workbook(backend.path)
    register = book[settings.tabs.case_register]
    register.auto_filter.ref = None  # as an older worker left it: no filter, no colours
    register.conditional_formatting = type(register.conditional_formatting)()
    register.column_dimensions["E"].hidden = False
    intake = book[settings.tabs.intake]  # as the worker before issue 25 left it: a filter, fixed rows, no print
    intake.sheet_properties.pageSetUpPr = None
    intake.sheet_format.customHeight, intake.sheet_format.defaultRowHeight = True, 45
    book.save(backend.path)
    upgraded = run_cycle(backend.store(), ctx, NOW + timedelta(minutes=1), backend.writer())
    ensured = [op.tab for op in upgraded.plan.operations if type(op).__name__ == "EnsureTab"]
    assert sorted(ensured) == sorted([register.title, settings.tabs.intake])
    assert not load_workbook(backend.path)[settings.tabs.intake].sheet_format.customHeight
    tab = _local(backend.path, register.title)
    assert tab.filtered and tab.formulas and R.STATE_KEY in tab.hidden
    assert not run_cycle(backend.store(), ctx, NOW + timedelta(minutes=2), backend.writer()).plan


def test_no_formula_or_note_holds_reporter_text(tmp_path: Path, settings) -> None:
    backend = LocalBackend(tmp_path)
    backend.create([response_row(story='=HYPERLINK("x")', victim_name='"); DARURAT')], settings)
    run_cycle(backend.store(), Context.from_settings(settings), NOW, backend.writer())
    book = load_workbook(backend.path)
    for sheet in book.worksheets:
        texts = [f for cf in sheet.conditional_formatting for r in cf.rules for f in r.formula]
        texts += [c.comment.text for c in sheet[1] if c.comment is not None]
        assert not any("HYPERLINK" in t or "); DARURAT" in t for t in texts), sheet.title


def test_google_formatting_travels_in_the_cycles_one_write(tmp_path: Path, settings) -> None:
    backend = GoogleBackend(tmp_path)
    backend.create(demo.sample_rows(3), settings)
    before = len(backend.double.log)
    run_cycle(backend.store(), Context.from_settings(settings), NOW, backend.writer())
    methods = [e.method_id for e in backend.double.log[before:] if e.method_id.startswith("sheets.")]
    # a new store's read (its grid sizes first, then the values), then the one write
    assert methods == ["sheets.spreadsheets.get", "sheets.spreadsheets.get", "sheets.spreadsheets.batchUpdate"]
    sent = next(e.request for e in backend.double.log[before:] if e.method_id.endswith("batchUpdate"))
    kinds = {next(iter(r)) for r in sent["requests"]}
    assert {"setBasicFilter", "addConditionalFormatRule", "updateDimensionProperties", "repeatCell"} <= kinds


def test_the_spreadsheet_opens_on_the_guide(backend, settings, cycle) -> None:
    backend.create(demo.sample_rows(2), settings)
    cycle()
    assert backend.tabs()[0] == workspace.GUIDE_TAB
    if isinstance(backend, LocalBackend):
        book = load_workbook(backend.path)
        assert book.active.title == workspace.GUIDE_TAB
        assert [s.title for s in book.worksheets if s.sheet_view.tabSelected] == [workspace.GUIDE_TAB]


def test_text_wraps_rows_fit_their_text_one_font_and_every_tab_prints_landscape(backend, settings, cycle) -> None:
    backend.create(demo.sample_rows(4), settings)
    cycle()
    for layout in layouts(settings).all:
        look = layout.look
        if layout.name not in backend.tabs() or look is None:
            continue
        wrapped = set(look.wrapped)
        assert {I.WA_SAFE, I.WA_NOTE, I.STATE, I.MESSAGE, I.CHANNEL} & set(layout.headers) <= wrapped, layout.name
        if isinstance(backend, LocalBackend):
            sheet = load_workbook(backend.path)[layout.name]
            headers = [str(c.value or "") for c in sheet[1]]
            for i, header in enumerate(headers, start=1):
                cells = [c for r in range(2, sheet.max_row + 1) if (c := sheet.cell(row=r, column=i)).value is not None]
                assert all(bool(c.alignment.wrap_text) == (header in wrapped) for c in cells), (layout.name, header)
                letter = _letter(i)  # and the column: a cell staff fill later wraps too
                assert bool(sheet.column_dimensions[letter].alignment.wrap_text) == (header in wrapped), header
                assert sheet.cell(row=1, column=i).font.name == workspace.XLSX_FONT[0]
                assert sheet.cell(row=1, column=i).font.size == workspace.XLSX_FONT[1]
            # no fixed height for the tab; LibreOffice does not fit an .xlsx row to its text on opening, so each
            # row is written as tall as its text: a long story is seen whole, not cut at three lines (45 pt)
            assert not sheet.sheet_format.customHeight, layout.name
            if layout.name == settings.tabs.intake:
                story = headers.index(I.STORY) + 1
                longest = max(range(2, sheet.max_row + 1), key=lambda r: len(str(sheet.cell(r, story).value or "")))
                lines = -(-len(str(sheet.cell(longest, story).value)) // 66)  # 60 wide, ~1.1 characters a unit
                assert lines >= 2 and (sheet.row_dimensions[longest].height or 0) >= 15 * lines
                assert sheet.row_dimensions[1].height is None or sheet.row_dimensions[1].height < 45
            setup = sheet.page_setup
            assert (setup.orientation, setup.fitToHeight, sheet.print_title_rows) == ("landscape", 0, "$1:$1")
            assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(setup.fitToWidth) >= 1
        else:
            assert isinstance(backend, GoogleBackend)
            fields = "sheets(properties(title),data(rowMetadata(pixelSize),rowData(values(userEnteredFormat))))"
            body = backend.client.http_client.fetch_sheet_metadata(
                backend.spreadsheet_id, params={"includeGridData": "true", "fields": fields})
            data = next(s for s in body["sheets"] if s["properties"]["title"] == layout.name)["data"][0]
            assert {m.get("pixelSize") for m in data.get("rowMetadata", [])} <= {21}, layout.name  # none was set
            header = data["rowData"][0]["values"]
            assert all(v["userEnteredFormat"]["textFormat"]["fontFamily"] == workspace.GOOGLE_FONT[0]
                       for v in header), layout.name
            wraps = {layout.headers[i] for i, v in enumerate(header[:len(layout.headers)])
                     if v.get("userEnteredFormat", {}).get("wrapStrategy") == "WRAP"}
            assert wraps == wrapped & set(layout.headers), layout.name


def test_the_recap_chart_says_what_it_counts_and_no_staff_cell_holds_a_command(backend, settings, cycle) -> None:
    from sync.cycle.tabs import VIOLENCE_CHART

    backend.create(demo.sample_rows(4), settings)
    cycle()
    recap = layouts(settings).recap
    assert recap.look is not None
    first = recap.look.charts[0]
    assert first.title == VIOLENCE_CHART and "lebih dari satu jenis" in first.title
    assert first.x_title and first.y_title
    assert first.anchor_column == len(recap.headers) + 1  # right after the narrow note column
    assert dict(recap.look.widths)["Keterangan"] <= 30
    if isinstance(backend, GoogleBackend):
        sheet = backend.double.spreadsheets[backend.spreadsheet_id].by_title(recap.name)
        assert sheet is not None
        spec = sheet.charts[0]["spec"]
        assert spec["title"] == VIOLENCE_CHART
        assert {a["position"]: a["title"] for a in spec["basicChart"]["axis"]} == {
            "BOTTOM_AXIS": first.x_title, "LEFT_AXIS": first.y_title}
    else:
        from zipfile import ZipFile

        with ZipFile(backend.path) as book:
            drawn = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/chart")]
        assert any(first.x_title in c and first.y_title in c and "satu kasus" in c for c in drawn)
    for tab in backend.tabs():
        if tab in {layout.name for layout in layouts(settings).all}:
            assert not any("python -m" in str(cell) for row in backend.tab(tab) for cell in row), tab
