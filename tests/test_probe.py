"""`doctor --probe` over the API double: every behaviour confirmed, each quirk contradicts exactly its
behaviour and makes `run`/`once` refuse; the scratch objects never stay; the answers file holds no
personal data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.letters import Letters
from config.settings import Google, Settings, Store, Worker
from googledouble import GoogleDouble, SimulatedCrash
from googledouble.double import QUIRKS
from googledouble.forms import google_spreadsheet
from rules.complaint import FIELDS
from sync.commands import cli, demo
from sync.commands.google_init import init_spreadsheet
from sync.commands.probe import ProbeReport, refuse_if_contradicted, render, run_probe, verdict_path
from sync.commands.probe_checks import BEHAVIOURS, SCRATCH_DOC, SCRATCH_TAB
from sync.cycle.tabs import layouts
from sync.stores.refusals import ProbeRefused
from tests.test_placeholders import OFFICE_LETTERS

WORKER = "sapa-sync@sapa-test.iam.gserviceaccount.com"
OWNER = "kepala.bidang@dinas-contoh.go.id"
RESPONSES = "Respons Formulir 1"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
REPORTER = "Siti Rahmawati Probeuji"
PHONE = "081299887766"
QUIRK_OF = {
    "metadata_duplicate_accepted": "metadata_ids",
    "metadata_id_reserved": "metadata_ids",
    "row_metadata_stays": "rows_move",
    "protection_drops_requester": "protections",
    "docs_newline_same_paragraph": "docs_replace",
    "docs_split_runs_missed": "docs_replace",
    "drive_copy_refused": "drive_copy",
}


class Office:
    """A form spreadsheet a person owns (with a reporter's name and phone), prepared by init, in the double."""

    def __init__(self, tmp_path: Path) -> None:
        self.double = GoogleDouble(locale="id_ID", time_zone="Asia/Jakarta", drive_file_scope=True)
        questions = Settings().form.questions
        rows = [[r.get(f) for f in FIELDS] for r in demo.sample_rows(3)]
        rows[0][FIELDS.index("reporter_name")] = REPORTER
        rows[0][FIELDS.index("reporter_phone")] = PHONE
        self.sid = google_spreadsheet(self.double, RESPONSES, [[questions[f] for f in FIELDS], *rows])
        self.double.set_owner(self.sid, OWNER)
        self.folder = self.double.create_folder("Surat SAPA", self.double.create_shared_drive("SAPA"))
        self.settings = Settings(store=Store(backend="google"),
                                 google=Google(spreadsheet_id=self.sid, letters_folder_id=self.folder),
                                 letters=Letters.model_validate(OFFICE_LETTERS),
                                 worker=Worker(state_file=tmp_path / "state" / "sapa.json"))
        self.client = self.double.gspread_client()
        self.drive = self.double.service("drive", "v3")
        self.docs = self.double.service("docs", "v1")
        init_spreadsheet(self.client, self.drive, self.settings, worker_email=WORKER)
        self.answers = tmp_path / "answers.jsonl"

    def probe(self) -> ProbeReport:
        return run_probe(self.settings, self.client, self.drive, self.docs, email=WORKER, now=NOW,
                         answers=self.answers)

    def files(self) -> set[str]:
        return set(self.double.files)

    def assert_clean(self, files_before: set[str]) -> None:
        assert not [t for t in self.double.sheet_titles(self.sid) if t.startswith(SCRATCH_TAB)]
        assert self.files() == files_before
        assert not [f for f in self.double.files.values() if f.name == SCRATCH_DOC]


@pytest.fixture
def office(tmp_path: Path) -> Office:
    return Office(tmp_path)


def outcomes(report: ProbeReport) -> dict[str, str]:
    return {r.name: r.outcome for r in report.results}


def test_over_the_double_every_behaviour_is_confirmed_and_nothing_stays(office: Office) -> None:
    before = office.files()
    report = office.probe()
    assert outcomes(report) == {b.name: "confirmed" for b in BEHAVIOURS}, render(report)
    office.assert_clean(before)
    assert report.left_behind == ()
    refuse_if_contradicted(office.settings)  # a passing probe: the worker runs
    text = render(report)
    assert "[OK] docs_replace" in text and str(office.answers) in text


@pytest.mark.parametrize("quirk", sorted(QUIRKS))
def test_each_quirk_contradicts_exactly_its_behaviour_and_the_worker_refuses(office: Office, quirk: str) -> None:
    before = office.files()
    office.double.quirks.add(quirk)
    report = office.probe()
    wanted = {b.name: "confirmed" for b in BEHAVIOURS} | {QUIRK_OF[quirk]: "contradicted"}
    assert outcomes(report) == wanted, render(report)
    office.assert_clean(before)
    with pytest.raises(ProbeRefused) as refused:
        refuse_if_contradicted(office.settings)
    message = str(refused.value)
    assert QUIRK_OF[quirk] in message and "Risiko / risk" in message and str(office.answers) in message
    assert "doctor --probe" in message


def test_a_later_probe_that_passes_lifts_the_refusal(office: Office) -> None:
    office.double.quirks.add("row_metadata_stays")
    office.probe()
    with pytest.raises(ProbeRefused):
        refuse_if_contradicted(office.settings)
    office.double.quirks.clear()
    office.probe()
    refuse_if_contradicted(office.settings)
    assert json.loads(verdict_path(office.settings).read_text())["results"][1]["outcome"] == "confirmed"


def test_once_and_run_refuse_with_exit_2_and_say_what_was_found(office: Office, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    office.double.quirks.add("metadata_duplicate_accepted")
    office.probe()
    config = tmp_path / "sapa.yaml"
    config.write_text(
        f"store:\n  backend: google\ngoogle:\n  spreadsheet_id: {office.sid}\n  letters_folder_id: {office.folder}\n"
        f"worker:\n  state_file: {office.settings.worker.state_file}\n", encoding="utf-8")
    for command in ("once", "run"):
        assert cli.main(["--config", str(config), command]) == 2
        err = capsys.readouterr().err
        assert "metadata_ids" in err and "Google does not behave" in err and str(office.answers) in err


def test_no_probe_ever_run_means_no_refusal(office: Office) -> None:
    assert not verdict_path(office.settings).exists()
    refuse_if_contradicted(office.settings)


def test_the_answers_file_holds_no_e_mail_and_nothing_typed_in_a_real_tab(office: Office) -> None:
    office.probe()
    text = office.answers.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines and all({"method", "http", "url", "status", "request", "answer"} <= set(line) for line in lines)
    assert "@" not in text
    assert REPORTER not in text and PHONE not in text and "Probeuji" not in text
    assert RESPONSES in text  # tab titles are kept
    methods = {line["method"] for line in lines}
    assert {"sheets.spreadsheets.batchUpdate", "docs.documents.batchUpdate", "drive.files.copy"} <= methods


@pytest.mark.parametrize("method", ["sheets.spreadsheets.batchUpdate", "docs.documents.batchUpdate",
                                    "drive.files.copy", "sheets.spreadsheets.developerMetadata.get"])
def test_a_failure_mid_probe_still_removes_the_scratch_objects(office: Office, method: str) -> None:
    before = office.files()
    office.double.fail_next(method, status=500, times=2)
    report = office.probe()
    assert "unchecked" in outcomes(report).values()
    office.assert_clean(before)


@pytest.mark.parametrize("k", [3, 12, 30])
def test_a_crash_mid_probe_still_removes_the_scratch_objects(office: Office, k: int) -> None:
    before = office.files()
    office.double.crash_after(k)
    with pytest.raises(SimulatedCrash):
        office.probe()
    office.assert_clean(before)


def test_a_lost_answer_to_the_scratch_doc_is_found_and_removed(office: Office) -> None:
    before = office.files()
    office.double.fail_next("drive.files.create", status=500, applied=True)
    office.probe()
    office.assert_clean(before)


def test_doctor_probe_on_the_local_backend_says_it_is_for_google(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "sapa.xlsx"  # none yet: the probe's answer does not depend on it
    cli.main(["--workbook", str(workbook), "doctor", "--probe"])
    assert "only" in capsys.readouterr().out


def test_a_protection_that_blocks_the_worker_on_a_worker_tab_is_named(office: Office) -> None:
    register = layouts(office.settings).register.name
    office.double.staff_protect(office.sid, register, "A:A")  # the owner's, with no editor: the worker is out
    report = office.probe()
    assert outcomes(report)["protections"] == "contradicted"
    found = next(r for r in report.results if r.name == "protections")
    assert f"'{register}'" in found.english and f"'{register}'" in found.indonesian
    assert "Protected sheets and ranges" in found.english


def test_a_folder_without_templates_cannot_be_checked_and_says_to_run_init(office: Office) -> None:
    folder = office.double.create_folder("Surat baru", office.double.create_shared_drive("Lain"))
    office.settings = office.settings.model_copy(update={"google": office.settings.google.model_copy(
        update={"letters_folder_id": folder})})
    report = office.probe()
    found = next(r for r in report.results if r.name == "drive_copy")
    assert found.outcome == "unchecked" and "init" in found.english and "drive.file" in found.english
    refuse_if_contradicted(office.settings)  # not checked is no refusal


def test_a_lost_answer_to_the_scratch_tab_is_found_and_removed(office: Office) -> None:
    before = office.files()
    office.double.fail_next("sheets.spreadsheets.batchUpdate", status=500, applied=True)  # the addSheet
    report = office.probe()
    assert outcomes(report)["metadata_ids"] == "unchecked"
    office.assert_clean(before)


def test_scratch_objects_an_earlier_probe_left_are_removed(office: Office) -> None:
    before = office.files()
    office.double.staff_add_sheet(office.sid, f"{SCRATCH_TAB} 1234")  # a probe killed before its clean-up
    office.double.create_document(SCRATCH_DOC, ["{{sapa_uji_nama}}"], parents=[office.folder], app_created=True)
    office.probe()
    office.assert_clean(before)


def test_a_contradicted_fingerprint_is_not_relied_on_once_every_cycle_reads_in_full(office: Office) -> None:
    """The fingerprint's remedy is `worker.full_read_every: 1` (change detection off): then the worker runs."""
    path = verdict_path(office.settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"results": [{"name": "fingerprints", "outcome": "contradicted",
                                             "english": "the change fingerprint did not change after a sort."}],
                                "answers": str(office.answers)}), encoding="utf-8")
    with pytest.raises(ProbeRefused, match="full_read_every: 1"):
        refuse_if_contradicted(office.settings)
    worker = office.settings.worker.model_copy(update={"full_read_every": 1})
    refuse_if_contradicted(office.settings.model_copy(update={"worker": worker}))


def test_the_fingerprint_check_reports_the_locale_and_time_zone_it_saw(office: Office) -> None:
    """The office's spreadsheet is id_ID (a decimal comma): the fingerprint formula parses there, and the probe
    says which locale and zone it was tried in."""
    fingerprint = next(r for r in office.probe().results if r.name == "fingerprints")
    assert fingerprint.outcome == "confirmed"
    assert "spreadsheet locale id_ID, time zone Asia/Jakarta" in fingerprint.english
    assert "lokal spreadsheet id_ID, zona waktu Asia/Jakarta" in fingerprint.indonesian

