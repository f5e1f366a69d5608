"""`python -m sync demo` never destroys an earlier demo unless asked, and says only what is true.

One real demo runs here (the --force replacement, ~7 s); the refusals stop before building
anything, so they are quick. A fresh demo is tests/test_cli.py's first demo test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from config.settings import Settings
from rules.errors import TransientError
from sync.commands import demo
from sync.commands.cli import main

ROOT = Path(__file__).resolve().parents[1]
OLD_LETTER = "SAPA-2026-0099-surat-tugas.docx"


def _earlier_demo(folder: Path) -> tuple[Path, Path]:
    """A demo folder as an earlier run left it: the workbook and a letter in its letters folder."""
    folder.mkdir(exist_ok=True)
    workbook = folder / "sapa-demo.xlsx"
    demo.write_responses(workbook, demo.sample_rows(3), Settings())
    letter = folder / "Surat SAPA" / OLD_LETTER
    letter.parent.mkdir()
    letter.write_bytes(b"an earlier demo's letter")
    return workbook, letter


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under the folder with its bytes and modification time."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("earlier", ["workbook", "letters folder"])
def test_demo_over_an_earlier_demo_refuses_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         earlier: str) -> None:
    workbook, letter = _earlier_demo(tmp_path)
    if earlier == "letters folder":
        workbook.unlink()
    before = _state(tmp_path)
    assert main(["demo", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert _state(tmp_path) == before
    assert "already" in err and "--force" in err and "--dir" in err
    assert str(letter.parent if earlier == "letters folder" else workbook) in err


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("lock", [".~lock.sapa-demo.xlsx#", "~$sapa-demo.xlsx", f"Surat SAPA/.~lock.{OLD_LETTER}#"])
def test_demo_over_an_open_workbook_changes_nothing_and_says_so(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str],
                                                                lock: str, force: bool) -> None:
    _earlier_demo(tmp_path)
    (tmp_path / lock).write_text("x")
    before = _state(tmp_path)
    assert main(["demo", "--dir", str(tmp_path), *(["--force"] if force else [])]) != 0
    err = capsys.readouterr().err
    assert _state(tmp_path) == before
    assert "changed nothing" in err and "nothing was written" not in err
    if force:
        assert "is open in LibreOffice" in err and lock.split("/")[-1] in err


@pytest.mark.slow
def test_demo_force_replaces_an_earlier_demo_and_its_letters(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default folder, sapa-demo, as the README's first command makes it
    workbook, old_letter = _earlier_demo(tmp_path / "sapa-demo")
    assert main(["demo", "--force"]) == 0
    capsys.readouterr()
    assert main(["--workbook", str(workbook), "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["responses"] == 40
    letters = workbook.parent / "Surat SAPA"
    assert not old_letter.exists() and (letters / "SAPA-2026-0001-surat-rujukan.docx").exists()
    assert sorted(p.name for p in workbook.parent.iterdir()) == ["Surat SAPA", "sapa-demo.xlsx"]  # no staging left


def test_a_workbook_opened_while_the_demo_ran_keeps_the_earlier_demo(tmp_path: Path) -> None:
    workbook, letter = _earlier_demo(tmp_path / "sapa-demo")
    stage = tmp_path / "sapa-demo" / ".staged"
    (stage / "Surat SAPA").mkdir(parents=True)
    (stage / "sapa-demo.xlsx").write_bytes(b"the new demo")
    (stage / "Surat SAPA" / "SAPA-2026-0001-surat-tugas.docx").write_bytes(b"a new letter")
    (workbook.parent / ".~lock.sapa-demo.xlsx#").write_text("x")  # opened in LibreOffice meanwhile
    before = _state(workbook.parent)
    with pytest.raises(TransientError, match="changed nothing") as refused:
        demo.install(stage, workbook, letter.parent)
    assert "nothing was written" not in str(refused.value)
    assert _state(workbook.parent) == before


def test_a_demo_that_fails_part_way_keeps_the_earlier_demo_and_says_so(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load((ROOT / "config" / "default.yaml").read_text(encoding="utf-8"))
    config["letters"]["templates"]["surat_tugas"] = str(tmp_path / "missing-template.docx")  # fails the first letter
    (tmp_path / "office.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    folder = tmp_path / "sapa-demo"
    _earlier_demo(folder)
    before = _state(folder)
    assert main(["--config", str(tmp_path / "office.yaml"), "demo", "--dir", str(folder), "--force"]) == 2
    err = capsys.readouterr().err
    assert f"changed nothing in {folder}" in err and "unexpected" not in err
    assert _state(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == ["Surat SAPA", "sapa-demo.xlsx"]  # no staging left


def test_a_demo_folder_that_cannot_be_made_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a-file").write_text("x")
    assert main(["demo", "--dir", str(tmp_path / "a-file")]) == 2
    assert "Pass --dir a folder you can write to" in capsys.readouterr().err
