"""`doctor` on the local workbook: the same checks as on Google, read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from config.settings import Settings
from sync.commands import cli, demo
from sync.commands.doctor_local import diagnose_local


def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "sapa.xlsx"
    demo.write_responses(path, demo.sample_rows(5), Settings())
    return path


def findings(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in diagnose_local(Settings.model_validate({"store": {"workbook": str(path)}})):
        out.setdefault(f.check, []).append(f"{f.status}: {f.english}")
    return out


def test_a_fresh_form_workbook_is_ready(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path)
    before = path.read_bytes()
    assert cli.main(["--workbook", str(path), "doctor"]) == 0
    text = capsys.readouterr().out
    assert "[OK] form_headers" in text and "0 galat / error(s)" in text and "first cycle" in text
    assert path.read_bytes() == before  # nothing written


def test_a_second_responses_tab_a_renamed_question_and_a_lock_are_said(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = load_workbook(path)
    book["Respons Formulir 1"]["T1"] = "Apakah korban dalam bahaya saat ini?"
    book.create_sheet("Respons Formulir 2").append(["Stempel waktu", "Saluran pengaduan"])
    book.save(path)
    (tmp_path / ".~lock.sapa.xlsx#").write_text("x")
    found = findings(path)
    assert any(s.startswith("warning") and "'Respons Formulir 2'" in s for s in found["responses_tab"])
    assert any("'Apakah korban dalam bahaya saat ini?'" in s and "recognised" in s for s in found["form_headers"])
    assert any(s.startswith("error") and "'Respons Formulir 2'" in s for s in found["form_headers"])
    assert any("open in LibreOffice" in s for s in found["workbook"])


def test_a_missing_workbook_or_responses_tab_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--workbook", str(tmp_path / "nope.xlsx"), "doctor"]) == 2
    assert "demo" in capsys.readouterr().out
    path = workbook(tmp_path)
    book = load_workbook(path)
    book["Respons Formulir 1"].title = "Sheet1"
    book.save(path)
    assert any(s.startswith("error") and "Sheet1" in s for s in findings(path)["responses_tab"])
