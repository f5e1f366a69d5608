"""The shipped letter staff are placeholders: `once`, `run` and `doctor` warn until the office replaces them."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import load_settings
from config.placeholders import placeholders
from config.settings import Settings
from sync.commands import demo
from sync.commands.cli import main
from sync.commands.doctor_local import diagnose_local
from tests.conftest import Demo

# An office that has replaced the shipped staff with its own (fictional here, but not the shipped ones).
OFFICE_LETTERS: dict[str, Any] = {
    "kepala_dinas": {"nama": "Dra. Hj. Rahmawati, M.Si.", "nip": "19680412 199203 2 004"},
    "staff": [
        {"nama": "Yulianti, S.Sos.", "nip": "19780305 200312 2 007", "pangkat_golongan": "Pembina (IV/a)",
         "jabatan": "Kepala Bidang Perlindungan Perempuan dan Anak", "role": "kabid"},
        {"nama": "Andreas Lim, S.H.", "nip": "19850921 201001 1 012", "pangkat_golongan": "Penata (III/c)",
         "jabatan": "Sub Koordinator Perlindungan Perempuan dan Anak", "role": "subkoor"},
        {"nama": "Nurhayati, S.Psi.", "jabatan": "Konselor", "role": "konselor"},
    ],
}
SHIPPED = ("letters.kepala_dinas.nama", "letters.kepala_dinas.nip", "letters.staff[0].nama",
           "letters.staff[0].nip", "letters.staff[1].nama", "letters.staff[1].nip", "letters.staff[2].nama",
           "letters.staff[3].nama", "letters.staff[3].nip")


def named(found: list[str]) -> list[str]:
    return [f.split(" ")[0] for f in found]


def test_the_shipped_configuration_names_every_placeholder_setting() -> None:
    assert named(placeholders(Settings())) == list(SHIPPED)
    assert named(placeholders(load_settings(None))) == list(SHIPPED)  # config/default.yaml ships the same


def test_an_office_that_replaced_its_staff_has_none_left() -> None:
    assert placeholders(Settings.model_validate({"letters": OFFICE_LETTERS})) == []


def test_one_placeholder_left_is_named_whatever_its_spelling() -> None:
    letters = {**OFFICE_LETTERS, "kepala_dinas": {"nama": "  nama KEPALA dinas ", "nip": "19680412 199203 2 004"}}
    assert named(placeholders(Settings.model_validate({"letters": letters}))) == ["letters.kepala_dinas.nama"]
    staff = [*OFFICE_LETTERS["staff"], {"nama": "Rudi", "nip": "19750101 200001 1 001", "jabatan": "Staf",
                                        "role": "tim"}]
    found = placeholders(Settings.model_validate({"letters": {**OFFICE_LETTERS, "staff": staff}}))
    assert found == ["letters.staff[3].nip ('19750101 200001 1 001')"]


def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "w.xlsx"
    demo.write_responses(path, demo.sample_rows(3), Settings())
    return path


def office_config(tmp_path: Path) -> Path:
    path = tmp_path / "office.yaml"
    path.write_text(yaml.safe_dump({"letters": OFFICE_LETTERS}))
    return path


def placeholder_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and "placeholder" in r.getMessage()]


def test_once_warns_naming_the_settings_until_they_are_replaced(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    path = workbook(tmp_path)
    caplog.set_level(logging.INFO)
    assert main(["--workbook", str(path), "once"]) == 0
    (said,) = placeholder_warnings(caplog)
    assert all(setting in said for setting in SHIPPED) and "--config" in said
    caplog.clear()
    assert main(["--config", str(office_config(tmp_path)), "--workbook", str(path), "once"]) == 0
    assert placeholder_warnings(caplog) == []


def test_run_warns_once_at_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = workbook(tmp_path)
    caplog.set_level(logging.INFO)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}  # run sets its own
    timer = threading.Timer(2.5, lambda: signal.raise_signal(signal.SIGTERM))
    timer.start()
    try:
        assert main(["--workbook", str(path), "run", "--interval", "1"]) == 0
    finally:
        timer.cancel()
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert len(placeholder_warnings(caplog)) == 1
    assert sum("cycle done" in r.getMessage() for r in caplog.records) >= 2  # more cycles, still one warning


def test_demo_does_not_warn(demo_run: Demo) -> None:
    assert "cycle done" in demo_run.log  # the demo's program log was seen
    assert "placeholder" not in demo_run.log and "placeholder" not in demo_run.err


def test_doctor_on_the_workbook_warns_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path)
    assert main(["--workbook", str(path), "doctor"]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert "[PERHATIAN / WARNING] letters_staff" in out and "letters.kepala_dinas.nip" in out
    (finding,) = [f for f in diagnose_local(Settings.model_validate({"store": {"workbook": str(path)}}))
                  if f.check == "letters_staff"]
    assert finding.status == "warning" and "contoh bawaan" in finding.indonesian
    assert "letters.staff[0].nama" in finding.indonesian and "letters.staff[0].nama" in finding.english
    replaced = Settings.model_validate({"store": {"workbook": str(path)}, "letters": OFFICE_LETTERS})
    assert [f for f in diagnose_local(replaced) if f.check == "letters_staff"] == []
