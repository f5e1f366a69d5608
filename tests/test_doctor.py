"""`doctor` over the API double: each problem found, said in Indonesian and English, with what to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.letters import Letters
from config.settings import Google, Settings
from googledouble import GoogleDouble
from googledouble.forms import google_spreadsheet
from rules.complaint import FIELDS
from rules.errors import ConfigError
from sync.commands import demo
from sync.commands.doctor import Finding, diagnose, exit_code, form_headers, render
from sync.commands.google_init import init_spreadsheet
from sync.stores.google_retry import RetryPolicy
from tests.test_placeholders import OFFICE_LETTERS

WORKER = "sapa-sync@sapa-test.iam.gserviceaccount.com"
RESPONSES = "Respons Formulir 1"
NO_SLEEP = RetryPolicy(attempts=2, sleep=lambda _: None)


class Setup:
    """A form spreadsheet (headers as given) and a letters folder, in the double."""

    def __init__(self, headers: list[str] | None = None, *, tab: str = RESPONSES, shared_drive: bool = True,
                 init: bool = True) -> None:
        self.double = GoogleDouble(locale="id_ID", time_zone="Asia/Jakarta")
        questions = Settings().form.questions
        header = headers if headers is not None else [questions[f] for f in FIELDS]
        rows = [[r.get(f) for f in FIELDS] for r in demo.sample_rows(3)]
        self.sid = google_spreadsheet(self.double, tab, [header, *rows])
        parent = self.double.create_shared_drive("SAPA") if shared_drive else None
        self.folder = self.double.create_folder("Surat SAPA", parent)
        self.settings = Settings(google=Google(spreadsheet_id=self.sid, letters_folder_id=self.folder),
                                 letters=Letters.model_validate(OFFICE_LETTERS))  # placeholders replaced
        self.client = self.double.gspread_client()
        self.drive = self.double.service("drive", "v3")
        if init and tab == RESPONSES and shared_drive:
            init_spreadsheet(self.client, self.drive, self.settings, worker_email=WORKER)
        self.double.reset_counts()

    def diagnose(self, **kwargs: Any) -> list[Finding]:
        options: dict[str, Any] = {"account_email": WORKER, "service_account": True, "retry": NO_SLEEP}
        return diagnose(self.settings, self.client, self.drive, **{**options, **kwargs})


def by(findings: list[Finding], check: str) -> list[Finding]:
    return [f for f in findings if f.check == check]


def problems(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.status != "ok"]


def test_all_ok_after_init() -> None:
    setup = Setup()
    findings = setup.diagnose()
    assert problems(findings) == []
    assert {f.check for f in findings} == {"credentials", "spreadsheet", "time_zone", "readers", "link_sharing",
                                           "responses_tab", "form_headers", "worker_tabs", "letters_folder",
                                           "templates"}
    assert exit_code(findings) == 0
    text = render(findings)
    assert WORKER in text and "Shared Drive" in text and "Drive Bersama" in text
    assert "0 galat / error(s)" in text
    # nothing written: two Sheets reads (tab titles; every responses tab's header row), who may open the
    # spreadsheet, and one Drive list
    assert dict(setup.double.counts) == {"sheets.spreadsheets.get": 1, "sheets.spreadsheets.values.batchGet": 1,
                                         "drive.permissions.list": 1, "drive.files.list": 1}


def test_a_renamed_question_the_worker_recognises_is_a_warning_naming_both_titles() -> None:
    questions = Settings().form.questions
    header = [questions[f] for f in FIELDS]
    header[header.index(questions["victim_name"])] = "Nama korban (inisial saja)"  # a required question
    header[header.index(questions["wa_safe_time"])] = "Waktu yang aman utk dihubungi"  # an optional one
    header[header.index(questions["kelurahan"])] = "  KELURAHAN "  # case and stray spaces do not matter
    findings = Setup(header).diagnose()
    headers = by(findings, "form_headers")
    assert [f.status for f in headers] == ["warning", "warning"]
    wa_time, victim = sorted(headers, key=lambda f: "victim_name" in f.english)
    assert "'Nama korban (boleh inisial)'" in victim.english and "'Nama korban (inisial saja)'" in victim.english
    assert "form.questions.victim_name" in victim.english and "recognised" in victim.english
    assert "'Waktu yang aman utk dihubungi'" in wa_time.english and "tetap dibaca" in wa_time.indonesian
    assert exit_code(findings) == 0


def test_a_required_question_the_worker_cannot_find_is_an_error_with_the_close_title_suggested() -> None:
    questions = Settings().form.questions
    header = [questions[f] for f in FIELDS]
    header[header.index(questions["victim_name"])] = "Siapa yang mengalami"
    header.insert(header.index("Siapa yang mengalami") + 1, "Catatan")  # two unknown columns: no guess by position
    findings = Setup(header).diagnose()
    victim = next(f for f in by(findings, "form_headers") if "victim_name" in f.english)
    assert victim.status == "error" and "'Nama korban (boleh inisial)'" in victim.english
    assert "unreadable" in victim.english and "form.aliases.victim_name" in victim.english
    assert exit_code(findings) == 2


def test_an_extra_column_is_a_warning() -> None:
    questions = Settings().form.questions
    header = [*(questions[f] for f in FIELDS), "Kolom tambahan staf"]
    findings = Setup(header).diagnose()
    (extra,) = problems(findings)
    assert extra.status == "warning" and "'Kolom tambahan staf'" in extra.english and "Jawaban Lain" in extra.english
    assert exit_code(findings) == 0


def test_a_second_responses_tab_is_reported_and_both_headers_are_checked() -> None:
    setup = Setup()
    questions = Settings().form.questions
    header = [questions[f] for f in FIELDS]
    header[header.index(questions["story"])] = "Ceritakan kejadiannya (wajib)"
    setup.double.staff_add_sheet(setup.sid, "Respons Formulir 2", [header])
    findings = setup.diagnose()
    (tabs,) = by(findings, "responses_tab")
    assert tabs.status == "warning" and "'Respons Formulir 2'" in tabs.english and "reads them all" in tabs.english
    assert any("Respons Formulir 2" in f.english and "recognised" in f.english for f in by(findings, "form_headers"))


def test_a_missing_responses_tab() -> None:
    findings = Setup(tab="Sheet1", init=False).diagnose()
    (tab,) = by(findings, "responses_tab")
    assert tab.status == "error" and "Sheet1" in tab.english and "store.responses_tab" in tab.english
    assert "Tautkan ke Spreadsheet" in tab.indonesian
    assert not by(findings, "form_headers")
    assert by(findings, "worker_tabs")[0].status == "warning"  # and init has not run: it says so
    assert exit_code(findings) == 2


def test_no_access_says_to_share_the_spreadsheet_with_the_service_account() -> None:
    setup = Setup()
    setup.double.deny_access(setup.sid)
    findings = setup.diagnose()
    (access,) = by(findings, "spreadsheet")
    assert access.status == "error"
    assert f"Share the spreadsheet with {WORKER} as Editor" in access.english
    assert f"Bagikan spreadsheet dengan {WORKER} sebagai Editor" in access.indonesian
    assert not by(findings, "responses_tab") and exit_code(findings) == 2
    assert "fake" not in render(findings)  # never the token


def test_a_folder_not_on_a_shared_drive_for_a_service_account() -> None:
    setup = Setup(shared_drive=False, init=False)
    findings = setup.diagnose()
    folder = by(findings, "letters_folder")
    assert [f.status for f in folder] == ["ok", "error"]  # reachable, but in My Drive
    assert "Shared Drive" in folder[1].english and WORKER in folder[1].english
    assert "Drive Bersama" in folder[1].indonesian
    (templates,) = by(findings, "templates")
    assert templates.status == "error" and "python -m sync init" in templates.english
    # the same folder is fine for a person signed in with OAuth (their own Drive storage)
    as_user = setup.diagnose(account_email=None, service_account=False)
    assert [f.status for f in by(as_user, "letters_folder")] == ["ok"]
    assert by(as_user, "credentials")[0].english == "Credentials loaded: a Google user (OAuth)."


def test_before_init_under_drive_file_the_folder_is_unseen_and_the_templates_missing() -> None:
    setup = Setup(init=False)
    setup.double.drive_file_scope = True  # a folder a person made is invisible to the worker
    findings = setup.diagnose()
    (folder,) = by(findings, "letters_folder")
    assert folder.status == "warning" and "drive.file" in folder.english
    assert by(findings, "templates")[0].status == "error"
    assert by(findings, "worker_tabs")[0].status == "warning"


def test_credentials_that_do_not_load_stop_the_checks_without_showing_a_secret(tmp_path: Path) -> None:
    def broken(settings: Settings) -> Any:
        raise ConfigError(f"service account key file not found: {tmp_path / 'kunci.json'}")

    settings = Setup(init=False).settings
    findings = diagnose(settings, connect=broken)
    assert [(f.check, f.status) for f in findings] == [("credentials", "error")]
    assert "kunci.json" in findings[0].english and exit_code(findings) == 2

    def unexpected(settings: Settings) -> Any:
        raise ValueError("private_key=-----BEGIN PRIVATE KEY-----")

    (finding,) = diagnose(settings, connect=unexpected)
    assert "ValueError" in finding.english and "PRIVATE" not in finding.english + finding.indonesian


def test_connect_builds_the_clients_when_none_are_given() -> None:
    setup = Setup()
    calls: list[str] = []

    def connect(settings: Settings) -> Any:
        calls.append(settings.google.spreadsheet_id)
        return setup.client, setup.drive, None, WORKER

    findings = diagnose(setup.settings, connect=connect, retry=NO_SLEEP)
    assert calls == [setup.sid] and problems(findings) == []
    assert WORKER in by(findings, "credentials")[0].english


def test_the_shipped_placeholder_staff_are_a_warning_naming_the_settings() -> None:
    setup = Setup()
    findings = diagnose(setup.settings.model_copy(update={"letters": Settings().letters}), setup.client,
                        setup.drive, account_email=WORKER, service_account=True, retry=NO_SLEEP)
    (found,) = problems(findings)
    assert (found.check, found.status) == ("letters_staff", "warning") and exit_code(findings) == 0
    assert "letters.kepala_dinas.nama" in found.english and "letters.staff[0].nip" in found.english
    assert "contoh bawaan" in found.indonesian and "letters.kepala_dinas.nama" in found.indonesian


def test_an_empty_configuration_is_reported_first() -> None:
    findings = diagnose(Settings())
    assert [(f.check, f.status) for f in findings] == [("config", "error")]
    assert "google.spreadsheet_id" in findings[0].english


@pytest.mark.parametrize(("statuses", "code"), [([], 0), (["ok", "warning"], 0), (["ok", "error", "warning"], 2)])
def test_exit_code(statuses: list[str], code: int) -> None:
    assert exit_code([Finding("x", s, "id", "en") for s in statuses]) == code  # type: ignore[arg-type]


def test_form_headers_match_as_the_worker_matches_them() -> None:
    settings = Settings()
    headers = [f"  {t.upper()} " for t in settings.form.questions.values()]
    headers[0] = "Timestamp"  # the form's English timestamp title is found without configuration
    assert [f.status for f in form_headers(headers, settings, RESPONSES)] == ["ok"]


def test_a_response_in_row_1_is_one_finding_not_a_missing_column_each() -> None:
    """Staff sorted the tab with its header row inside (or deleted row 1): a response is in row 1."""
    settings = Settings()
    row = ["28/11/2026 08.00.00", "Formulir online", "Pelapor", "Tetangga", "0812-3456-7890", "Ya"]
    found = form_headers(row, settings, RESPONSES)
    assert [(f.status, f.check) for f in found] == [("error", "form_headers")]
    assert "baris 1 bukan baris judul" in found[0].indonesian and RESPONSES in found[0].english
