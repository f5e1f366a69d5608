"""`init` over the API double: tabs, headers, frozen rows, dropdowns, protections, row metadata,
templates; request counts; a second run changes nothing staff made."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from config.settings import Google, Settings
from googledouble import GoogleDouble
from googledouble.a1 import cell_name
from letters.google_writer import GoogleLetterWriter
from letters.writer import TEMPLATE_KINDS
from rules.errors import InputError, SapaError, StructureError, TransientError
from sync.commands import demo
from sync.commands.demo_walk import FORWARD
from sync.commands.google_init import AGENDA_ROLES, InitReport, init_spreadsheet
from sync.commands.selftest.office import GoogleBackend, after_first, template_lines
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import RECAP_ROWS, I, Layout, layouts
from sync.stores.google_requests import END, KEY, NEW_SHEET_ROWS
from sync.stores.google_retry import RetryPolicy
from sync.stores.google_templates import TEMPLATE_NAMES, TEMPLATE_PROPERTY, find_templates
from tests.conftest import NOW
from tests.test_workflow_cycle import act

GET = "sheets.spreadsheets.get"
BATCH = "sheets.spreadsheets.batchUpdate"
RESPONSES = "Respons Formulir 1"
WORKER = "sapa-sync@sapa-test.iam.gserviceaccount.com"  # the double's account
EDITORS = {
    "admin": ["admin@dinsos.example.go.id"],
    "subkoor": ["subkoor@dinsos.example.go.id"],
    "kabid": ["kabid@dinsos.example.go.id"],
    "kadis": ["kadis@dinsos.example.go.id"],
    "tim": ["tim1@dinsos.example.go.id", "tim2@dinsos.example.go.id"],
    "konselor": ["konselor@dinsos.example.go.id"],
}
NO_SLEEP = RetryPolicy(sleep=lambda _: None)


class Office:
    """A form spreadsheet and a letters folder on a Shared Drive, in the double."""

    def __init__(self, folder: Path, rows: int = 6, editors: dict[str, list[str]] | None = None) -> None:
        self.backend = GoogleBackend(folder)
        self.backend.create(demo.sample_rows(rows), Settings())
        self.double: GoogleDouble = self.backend.double
        self.drive_id = self.double.create_shared_drive("SAPA")
        self.folder = self.double.create_folder("Surat SAPA", self.drive_id)
        self.settings = Settings(google=Google(
            spreadsheet_id=self.backend.spreadsheet_id, letters_folder_id=self.folder,
            editors=EDITORS if editors is None else editors))
        self.ctx = Context.from_settings(self.settings)
        self.drive = self.double.service("drive", "v3")

    @property
    def sid(self) -> str:
        return self.backend.spreadsheet_id

    def init(self, **kwargs: Any) -> InitReport:
        return init_spreadsheet(self.backend.client, self.drive, self.settings, worker_email=WORKER,
                                retry=NO_SLEEP, **kwargs)

    def cycle(self, hours: int = 0) -> None:
        run_cycle(self.backend.store(), self.ctx, NOW + timedelta(hours=hours))

    def sheets(self) -> dict[str, dict[str, Any]]:
        """Every tab's properties and protections, as the API gives them (read outside the counts)."""
        body = self.backend.client.http_client.fetch_sheet_metadata(
            self.sid, params={"fields": "sheets(properties,protectedRanges)"})
        self.double.counts.clear()
        return {s["properties"]["title"]: s for s in body["sheets"]}

    def state(self) -> dict[str, Any]:
        """Values of every tab, protections and row metadata: all that init could touch."""
        return {
            "values": {t: self.backend.tab(t) for t in self.backend.tabs()},
            "sheets": self.sheets(),
            "metadata": {t: self.double.row_metadata(self.sid, t) for t in self.backend.tabs()},
        }


@pytest.fixture
def office(tmp_path: Path) -> Office:
    return Office(tmp_path)


def staff_ranges(sheet: dict[str, Any]) -> list[dict[str, Any]]:
    """The column protections of a tab (ProtectedRange resources)."""
    return [p for p in sheet.get("protectedRanges", []) if "endColumnIndex" in p["range"]]


def whole_sheet(sheet: dict[str, Any]) -> dict[str, Any]:
    found = [p for p in sheet.get("protectedRanges", []) if not (set(p["range"]) - {"sheetId"})]
    assert len(found) == 1
    return found[0]


def columns_of(ranges: list[dict[str, Any]]) -> set[int]:
    return {c for r in ranges for c in range(r.get("startColumnIndex", 0), r["endColumnIndex"])}


def column_set(layout: Layout, names: tuple[str, ...]) -> set[int]:
    return {layout.headers.index(h) for h in names}


# --- what init makes --------------------------------------------------------------------------


def test_init_creates_every_tab_with_headers_frozen_rows_and_dropdowns(office: Office) -> None:
    report = office.init()
    tabs = layouts(office.settings)
    assert report.tabs_created == [t.name for t in tabs.all]
    sheets = office.sheets()
    for layout in tabs.all:
        assert tuple(office.backend.tab(layout.name)[0]) == layout.headers, layout.name
        assert sheets[layout.name]["properties"]["gridProperties"]["frozenRowCount"] == 1
        for dropdown in layout.dropdowns:
            column = layout.headers.index(dropdown.header)
            rule = office.double.cell(office.sid, layout.name, cell_name(1, column)).data_validation
            assert rule is not None and rule["strict"] is True, (layout.name, dropdown.header)
            values = [v["userEnteredValue"] for v in rule["condition"]["values"]]
            assert values == list(dropdown.choices)
        assert office.double.cell(office.sid, layout.name, cell_name(1, 0)).data_validation is None
    intake = tabs.intake
    header = office.double.cell(office.sid, intake.name, cell_name(0, intake.headers.index(I.DECISION)))
    assert header.value == I.DECISION
    assert office.backend.tab(RESPONSES)[0][-1] == office.settings.tabs.response_marker_column


def test_each_role_edits_only_its_staff_columns_and_only_the_worker_the_rest(office: Office) -> None:
    office.init()
    sheets = office.sheets()
    tabs = layouts(office.settings)
    expected_roles: dict[str, tuple[str, ...]] = {layout.name: (role,) for role, layout in tabs.roles.items()}
    expected_roles[tabs.review.name] = ("admin",)
    expected_roles[tabs.agenda.name] = AGENDA_ROLES
    for layout in tabs.all:
        sheet = sheets[layout.name]
        protection = whole_sheet(sheet)
        if layout.staff:  # staff sort their tab in place: the worker columns warn, they do not lock
            assert protection["warningOnly"] is True
        else:
            assert protection["editors"]["users"] == [WORKER]  # the worker (the owner, here the same account)
        assert protection["description"].startswith("[sapa-sync]")
        open_columns = columns_of(protection.get("unprotectedRanges", []))
        assert open_columns == column_set(layout, layout.staff), layout.name
        assert not any("startRowIndex" in r for r in protection.get("unprotectedRanges", []))  # whole columns
        ranges = staff_ranges(sheet)
        if not layout.staff:  # the register and the log: worker only
            assert layout.name in (tabs.register.name, tabs.log.name, tabs.guide.name, tabs.recap.name) and not ranges
            continue
        assert columns_of([r["range"] for r in ranges]) == column_set(layout, layout.staff)
        wanted = sorted({e for role in expected_roles[layout.name] for e in EDITORS[role]} | {WORKER})
        for rng in ranges:
            assert sorted(rng["editors"]["users"]) == wanted, layout.name
            assert "startRowIndex" not in rng["range"] and "endRowIndex" not in rng["range"]
    marker = office.settings.tabs.response_marker_column
    responses = sheets[RESPONSES]
    (protection,) = responses["protectedRanges"]
    column = office.backend.tab(RESPONSES)[0].index(marker)
    assert columns_of([protection["range"]]) == {column} and "startRowIndex" not in protection["range"]
    assert protection["editors"]["users"] == [WORKER]


def test_a_role_without_editors_keeps_its_columns_open_and_is_warned_about(tmp_path: Path) -> None:
    office = Office(tmp_path, editors={**EDITORS, "tim": []})
    report = office.init()
    tim = layouts(office.settings).roles["tim"]
    sheet = office.sheets()[tim.name]
    assert not staff_ranges(sheet)  # open to every editor of the spreadsheet
    assert columns_of(whole_sheet(sheet).get("unprotectedRanges", [])) == column_set(tim, tim.staff)
    assert any(tim.name in w and "google.editors" in w for w in report.warnings)
    # filling the configuration later and running init again protects them, and nothing else changes
    office.settings = office.settings.model_copy(update={"google": office.settings.google.model_copy(
        update={"editors": EDITORS})})
    before = office.state()
    again = office.init()
    assert {p.split(":")[0] for p in again.protections_added} == {tim.name}  # its staff columns: one range a run
    after = office.state()
    assert columns_of([r["range"] for r in staff_ranges(after["sheets"][tim.name])]) == column_set(tim, tim.staff)
    after["sheets"].pop(tim.name), before["sheets"].pop(tim.name)
    assert after == before


def test_row_metadata_and_sentinels_are_placed_where_the_store_expects_them(office: Office) -> None:
    report = office.init()
    rows = office.backend.tab(RESPONSES)
    meta = office.double.row_metadata(office.sid, RESPONSES)
    data_rows = [n for n, row in enumerate(rows, start=1) if n > 1 and any(v is not None for v in row)]
    assert report.row_keys_added == {RESPONSES: len(data_rows)}
    assert all(meta[n] == [(KEY, "")] for n in data_rows)  # no case ID yet
    tabs = layouts(office.settings)
    for title in [RESPONSES, *(t.name for t in tabs.all)]:
        ends = [n for n, entries in office.double.row_metadata(office.sid, title).items()
                for key, _ in entries if key == END]
        grid = RECAP_ROWS if title == tabs.recap.name else 1000 if title == RESPONSES else NEW_SHEET_ROWS
        assert ends == [grid], title  # the last grid row: a new tab is its header and a small margin


# --- templates --------------------------------------------------------------------------------


def test_templates_are_uploaded_once_as_google_docs_into_the_folder(office: Office) -> None:
    first = office.init()
    assert sorted(first.templates_uploaded) == sorted(TEMPLATE_KINDS)  # the letters and the case documents
    assert office.double.counts["drive.files.create"] == len(TEMPLATE_KINDS)
    found = find_templates(office.drive, office.folder)
    assert found == first.templates
    for kind, doc_id in found.items():
        file = office.double.files[doc_id]
        assert file.mime_type == "application/vnd.google-apps.document"
        assert file.parents == [office.folder] and file.drive_id == office.drive_id
        assert file.name == TEMPLATE_NAMES[kind] and file.app_properties == {TEMPLATE_PROPERTY: kind}
        text = office.double.document_text(doc_id)
        assert "{{nomor_kasus}}" in text
        assert [line for line in template_lines(kind) if line][:3] == [
            line for line in text.split("\n") if line][:3]
    assert office.double.anyone_permissions() == []
    office.double.reset_counts()
    second = office.init()
    assert second.templates == first.templates and not second.templates_uploaded
    assert "drive.files.create" not in office.double.counts


def test_templates_are_found_when_renamed_and_letters_are_never_taken_for_them(office: Office) -> None:
    templates = office.init().templates
    office.double.files[templates["surat_tugas"]].name = "Surat Tugas - versi kantor"
    writer = GoogleLetterWriter(office.drive, office.double.service("docs", "v1"), office.folder, templates,
                                retry=RetryPolicy(sleep=lambda _: None))
    writer._copy("surat_tugas", "SAPA-2026-0001 Surat Tugas", "SAPA-2026-0001-ST")  # a letter in the same folder
    office.double.reset_counts()
    assert find_templates(office.drive, office.folder) == templates
    assert dict(office.double.counts) == {"drive.files.list": 1}


def test_the_drive_file_scope_suffices(tmp_path: Path) -> None:
    office = Office(tmp_path)
    office.double.drive_file_scope = True  # the folder a person made is invisible; uploading into it works
    templates = office.init().templates
    assert find_templates(office.drive, office.folder) == templates and len(templates) == len(TEMPLATE_KINDS)


def test_a_service_account_needs_a_folder_on_a_shared_drive(tmp_path: Path) -> None:
    office = Office(tmp_path)
    office.double.service_account_without_storage = True
    office.settings = office.settings.model_copy(update={"google": office.settings.google.model_copy(
        update={"letters_folder_id": office.double.create_folder("Surat SAPA di My Drive")})})
    with pytest.raises(InputError, match="Shared Drive"):
        office.init()


def test_without_a_letters_folder_the_spreadsheet_is_still_prepared(office: Office) -> None:
    office.settings = office.settings.model_copy(update={"google": office.settings.google.model_copy(
        update={"letters_folder_id": ""})})
    report = office.init()
    assert report.tabs_created and not report.templates
    assert any("letters_folder_id" in w for w in report.warnings)
    assert not any(m.startswith("drive.") for m in office.double.counts)


# --- requests ---------------------------------------------------------------------------------


def test_init_costs_one_read_and_one_write_then_only_reads(office: Office) -> None:
    office.double.reset_counts()
    report = office.init()
    assert dict(office.double.counts) == {GET: 1, BATCH: 1, "drive.files.list": 1,
                                          "drive.files.create": len(TEMPLATE_KINDS)}
    assert (report.sheets_requests, report.drive_requests) == (2, 1 + len(TEMPLATE_KINDS))
    office.double.reset_counts()
    report = office.init()
    assert dict(office.double.counts) == {GET: 1, "drive.files.list": 1}
    assert (report.sheets_requests, report.drive_requests) == (1, 1)
    assert not report.changed and "nothing to change" in report.render()


# --- idempotence ------------------------------------------------------------------------------


def test_staff_edits_survive_a_second_init(office: Office) -> None:
    office.init()
    office.cycle()
    intake = layouts(office.settings).intake.name
    case = str(office.backend.tab(intake)[1][0])
    act(office.backend, office.settings, case, FORWARD)  # a decision typed in, not yet applied
    office.backend.type_into(intake, I.ID, case, I.ADMIN_NOTE, "sudah ditelepon")
    office.double.staff_add_sheet(office.sid, "Catatan Staf", [["Catatan"], ["rapat Senin"]])
    office.double.staff_sort(office.sid, intake, 0, descending=True)
    before = office.state()
    office.double.reset_counts()
    report = office.init()
    assert not report.changed
    assert "sheets.spreadsheets.batchUpdate" not in office.double.counts
    assert office.state() == before
    office.cycle(1)  # and the worker goes on as before: the decision is applied
    register = office.backend.tab(office.settings.tabs.case_register)
    assert any(case in row for row in register[1:])


def test_a_second_init_adds_only_what_is_missing(office: Office) -> None:
    office.init()
    office.cycle()
    agenda = office.settings.letters.register_tab
    office.double.staff_delete_sheet(office.sid, agenda)
    office.double.form_submit(office.sid, ["Formulir online", "Pelapor Baru"], title=RESPONSES)
    before = office.state()
    report = office.init()
    assert report.tabs_created == [agenda]
    assert report.row_keys_added == {RESPONSES: 1}  # the response that came after the first init
    assert [p.split(" (")[0].split(":")[0] for p in report.protections_added] == [agenda, agenda]
    after = office.state()
    for part in ("values", "sheets", "metadata"):
        after[part].pop(agenda)
    new_row = len(office.backend.tab(RESPONSES))
    assert after["metadata"][RESPONSES].pop(new_row) == [(KEY, "")]
    assert after == before


def test_existing_tabs_keep_their_columns_and_get_missing_headers_at_the_right(office: Office) -> None:
    register = layouts(office.settings).register
    extra = ["Kolom Staf"]
    office.double.staff_add_sheet(office.sid, register.name,
                                  [[*register.headers[:3], *extra], ["SAPA-2026-0001", "x", "y", "catatan"]])
    report = office.init()
    assert register.name not in report.tabs_created and register.name in report.frozen
    rows = office.backend.tab(register.name)
    assert rows[0] == [*register.headers[:3], *extra, *register.headers[3:]]
    assert rows[1] == ["SAPA-2026-0001", "x", "y", "catatan"]
    assert office.double.row_metadata(office.sid, register.name)[2] == [(KEY, "SAPA-2026-0001")]


# --- the store after init ---------------------------------------------------------------------


def _values(office: Office) -> dict[str, Any]:
    return {t: sorted(repr(r) for r in office.backend.tab(t)) for t in office.backend.tabs()}


def test_the_first_cycle_after_init_gives_what_a_first_cycle_without_init_gives(tmp_path: Path) -> None:
    with_init, without = Office(tmp_path / "a", rows=12), Office(tmp_path / "b", rows=12)
    with_init.init()
    with_init.cycle()
    without.cycle()
    assert _values(with_init) == _values(without)
    with_init.double.reset_counts()
    with_init.cycle()
    assert dict(with_init.double.counts) == {GET: 2}  # idle: a new store reads its sizes, then the values


def test_init_closes_the_stores_first_write_gap(tmp_path: Path) -> None:
    """A sort of the responses tab between the very first read and write is refused, then redone right."""

    def make(folder: str, sort: bool) -> Office:
        office = Office(tmp_path / folder, rows=12)
        office.init()
        if sort:
            office.double.on_request(after_first(BATCH, lambda d: d.staff_sort(office.sid, RESPONSES, 2, True)))
        with contextlib.suppress(TransientError):
            office.cycle(1)
        refused = office.double.log[-1].status == 400
        office.double.clear_hooks()
        office.cycle(1)
        assert refused == sort
        return office

    sorted_, reference = make("sorted", True), make("reference", False)
    assert _values(sorted_) == _values(reference)  # each response keeps the ID its answers were given


# --- failures ---------------------------------------------------------------------------------


def test_no_responses_tab_changes_nothing(tmp_path: Path) -> None:
    office = Office(tmp_path)
    office.double.staff_rename_sheet(office.sid, RESPONSES, "Sheet1")
    office.double.reset_counts()
    with pytest.raises(StructureError, match="form responses tab"):
        office.init()
    assert dict(office.double.counts) == {GET: 1}


def test_no_access_says_to_share_the_spreadsheet(office: Office) -> None:
    office.double.deny_access(office.sid)
    with pytest.raises(InputError, match=r"Share the spreadsheet with .* as Editor") as err:
        office.init()
    assert "fake" not in str(err.value)


def test_a_resent_write_whose_answer_was_lost_is_refused_not_applied_twice(office: Office) -> None:
    office.double.timeout_next(BATCH, applied=True)
    with pytest.raises(SapaError, match="run init again"):
        office.init()
    assert office.double.log[-1].status == 400  # the resend: refused whole
    assert office.init().tabs_created == []  # the first one was applied; this run adds the templates only
    for title in office.backend.tabs():
        for entries in office.double.row_metadata(office.sid, title).values():
            assert len(entries) == 1, (title, entries)


def test_init_offers_a_go_live_date_when_old_responses_wait(tmp_path: Path) -> None:
    office = Office(tmp_path, rows=6)
    report = office.init()
    (offer,) = [w for w in report.warnings if "history_before" in w]
    assert offer.startswith("6 form responses are not numbered yet") and "history_before: 20" in offer
    office.settings = office.settings.model_copy(update={"intake": office.settings.intake.model_copy(
        update={"history_before": NOW.date()})})
    assert not [w for w in office.init().warnings if "history_before" in w]
