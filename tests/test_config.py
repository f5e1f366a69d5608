"""The configuration: the shipped defaults load, and a wrong one says what to fix."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from config import DEFAULT_CONFIG, load_settings
from config.settings import Settings
from rules.errors import ConfigError
from sync.commands.cli import main


def test_the_shipped_file_spells_out_the_model_defaults() -> None:
    shipped = load_settings(DEFAULT_CONFIG)
    assert shipped.model_dump(exclude={"store"}) == Settings().model_dump(exclude={"store"})
    assert shipped.timezone == "Asia/Jakarta"
    assert shipped.form.questions["timestamp"] == "Stempel waktu"


def test_the_shipped_file_is_what_the_model_generates() -> None:
    from config.write_default import render

    assert DEFAULT_CONFIG.read_text(encoding="utf-8") == render(), "run: python -m config.write_default"


def test_an_office_changes_only_what_differs(tmp_path: Path) -> None:
    path = tmp_path / "office.yaml"
    path.write_text("form:\n  questions:\n    victim_name: Nama anak\ncase_ids:\n  pattern: PPA-{year}-{seq:05d}\n")
    settings = load_settings(path)
    assert settings.form.questions["victim_name"] == "Nama anak"
    assert settings.form.questions["story"] == "Ceritakan kejadiannya"
    assert settings.case_ids.pattern == "PPA-{year}-{seq:05d}"


@pytest.mark.parametrize(("text", "expected"), [
    ("timezone: Mars/Base\n", "timezone = 'Mars/Base': unknown time zone"),
    ("case_ids:\n  pattern: X-{seq}\n", "case_ids.pattern = 'X-{seq}': must contain exactly"),
    ("form:\n  questions:\n    victim_nam: Nama\n", "unknown questions ['victim_nam']"),
    ("poll_interval_seconds: 1\n", "poll_interval_seconds = 1: Input should be greater than or equal to 10"),
    ("tabs:\n  log: Admin - Tinjauan\n", "tab names must differ"),
    ("offce:\n  name: X\n", "offce = a mapping: unknown key"),
    ("timezone: [\n", "is not valid YAML at line"),
    ("- a\n- b\n", "must hold a mapping"),
])
def test_a_wrong_configuration_names_key_value_and_expectation(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert expected in str(caught.value)


def test_cli_exits_2_on_bad_configuration_without_a_traceback(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text("timezone: Mars/Base\n")
    assert main(["--config", str(path), "once"]) == 2
    err = capsys.readouterr().err
    assert "unknown time zone" in err and "Traceback" not in err


def test_cli_exits_2_when_the_workbook_is_missing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--workbook", str(tmp_path / "nope.xlsx"), "once"]) == 2
    assert "workbook not found" in capsys.readouterr().err


def test_missing_config_file_is_exit_2(tmp_path: Path) -> None:
    assert main(["--config", str(tmp_path / "none.yaml"), "status"]) == 2


def test_an_office_may_count_an_unknown_age_as_an_adult() -> None:
    from config.settings import Settings

    assert Settings().triage.policy().unknown_age_as_child is True
    office = Settings.model_validate({"triage": {"unknown_age_as_child": False}})
    assert office.triage.policy().unknown_age_as_child is False


def test_the_office_s_other_numbers_are_phone_numbers() -> None:
    assert "+628111129129" in Settings().office.phones()  # SAPA 129's WhatsApp, typed on forwarded calls
    with pytest.raises(ValidationError, match="'129' is not a phone number"):
        Settings.model_validate({"office": {"other_phones": ["129"]}})
