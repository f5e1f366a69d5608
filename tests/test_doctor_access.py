"""`doctor` on who can read the spreadsheet: every editor reads every tab; a link share is an error;
under the drive.file scope Drive does not tell, and the finding says how a person checks."""

from __future__ import annotations

import json

import pytest
from googleapiclient.errors import HttpError

from sync.commands.doctor import exit_code, render
from tests.test_doctor import Setup, by


def share_by_link(setup: Setup, role: str = "reader") -> None:
    """What a person does with Share → General access → "Anyone with the link"."""
    setup.drive.permissions().create(fileId=setup.sid, body={"type": "anyone", "role": role}).execute()
    setup.double.reset_counts()


def test_every_editor_reads_every_tab_is_said_plainly_in_both_languages() -> None:
    (readers,) = by(Setup().diagnose(), "readers")
    assert readers.status == "ok"
    assert "Every editor of the spreadsheet can read every tab" in readers.english
    assert "protections only stop edits" in readers.english
    assert "Setiap editor spreadsheet dapat membaca semua tab" in readers.indonesian


def test_a_restricted_spreadsheet_is_ok() -> None:
    setup = Setup()
    findings = setup.diagnose()
    (link,) = by(findings, "link_sharing")
    assert link.status == "ok" and "Restricted" in link.english and "Dibatasi" in link.indonesian
    assert setup.double.counts["drive.permissions.list"] == 1


@pytest.mark.parametrize("role", ["reader", "writer"])
def test_a_spreadsheet_shared_by_link_is_an_error(role: str) -> None:
    setup = Setup()
    share_by_link(setup, role)
    findings = setup.diagnose()
    (link,) = by(findings, "link_sharing")
    assert link.status == "error" and exit_code(findings) == 2
    assert "anyone who has the link" in link.english and "personal data" in link.english
    assert "General access" in link.english and "Restricted" in link.english
    assert "siapa saja yang memiliki tautannya" in link.indonesian
    assert "[GALAT / ERROR] link_sharing" in render(findings)


def test_under_drive_file_the_double_hides_a_spreadsheet_a_person_made_as_google_does() -> None:
    """Google answers 404 "File not found: <id>." (reason notFound) for a file the app neither created nor
    was given: the same answer as for a file that does not exist."""
    setup = Setup()
    setup.double.drive_file_scope = True
    with pytest.raises(HttpError) as err:
        setup.drive.permissions().list(fileId=setup.sid, fields="permissions(type,role)",
                                       supportsAllDrives=True).execute()
    assert err.value.resp.status == 404
    error = json.loads(err.value.content)["error"]
    assert error["message"] == f"File not found: {setup.sid}." and error["errors"][0]["reason"] == "notFound"


def test_when_drive_file_hides_the_permissions_doctor_says_it_could_not_check_and_how_to() -> None:
    setup = Setup()
    share_by_link(setup)  # even so: the worker cannot see it, and must not claim either way
    setup.double.drive_file_scope = True  # the worker's scope: it did not create the spreadsheet
    findings = setup.diagnose()
    (link,) = by(findings, "link_sharing")
    assert link.status == "warning"
    assert "Could not check whether the spreadsheet is shared by link" in link.english
    assert "drive.file" in link.english and "HTTP 404" in link.english
    assert 'Share → General access must be "Restricted"' in link.english
    assert "Tidak dapat memeriksa" in link.indonesian and "Akses umum" in link.indonesian
    assert by(findings, "spreadsheet")[0].status == "ok"  # Sheets still opens it
