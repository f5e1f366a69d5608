"""`python -m sync report --month YYYY-MM [--json | --csv FILE]`: the recap tab's figures, counts only."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.commands.cli import main
from tests.conftest import Demo


@pytest.fixture
def workbook(demo_run: Demo) -> Path:
    return demo_run.workbook  # read only: the report writes nothing into the workbook


def recap_tab(workbook: Path) -> dict[str, dict[str, object]]:
    sheet = load_workbook(workbook)["Rekap Bulanan"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return {str(r[0]): dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r[0]}


def test_the_json_export_has_stable_keys_and_the_tabs_figures(workbook: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--workbook", str(workbook), "report", "--month", "2026-11", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["month", "cases", "review", "by", "service"]
    tab = recap_tab(workbook)
    assert out["month"] == "2026-11" and out["cases"] == tab["kasus"]["Nov"] > 5  # the rest arrive "now"
    assert out["review"] == tab["tinjauan"]["Nov"] == 3
    for key, counts in out["by"].items():
        for value, count in counts.items():
            if count != "<3":
                assert count == tab[f"{key}:{value}"]["Nov"], (key, value)
            else:
                assert 1 <= int(tab[f"{key}:{value}"]["Nov"]) <= 2 and key == "kecamatan"
    assert sum(v for v in out["by"]["hasil"].values()) == out["cases"]
    assert set(out["service"]) >= {"median_first_contact_hours", "promise_met", "promise_missed",
                                   "first_contact_met", "first_contact_missed"}


def test_small_kecamatan_counts_leave_the_office_as_less_than_3(workbook: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--workbook", str(workbook), "report", "--month", "2026-11", "--json", "--all-counts"]) == 0
    full = json.loads(capsys.readouterr().out)["by"]["kecamatan"]
    assert main(["--workbook", str(workbook), "report", "--month", "2026-11", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["by"]["kecamatan"]
    small = [k for k, n in full.items() if 1 <= n <= 2]
    assert small, full  # the demo has a small one
    assert all(shown[k] == "<3" for k in small)
    assert all(shown[k] == n for k, n in full.items() if k not in small)


def test_no_name_phone_or_address_in_any_export(workbook: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    responses = load_workbook(workbook)["Respons Formulir 1"]
    headers = [c.value for c in responses[1]]
    personal = {"Nama pelapor", "Nomor WhatsApp pelapor", "Nama korban (boleh inisial)", "Alamat korban",
                "Ceritakan kejadiannya", "Kelurahan"}
    typed = {str(v) for row in responses.iter_rows(min_row=2, values_only=True)
             for h, v in zip(headers, row, strict=False) if h in personal and v and len(str(v)) > 6}
    capsys.readouterr()
    target = tmp_path / "rekap.csv"
    assert main(["--workbook", str(workbook), "report", "--month", "2026-11", "--csv", str(target)]) == 0
    assert main(["--workbook", str(workbook), "report", "--month", "2026-11"]) == 0
    assert main(["--workbook", str(workbook), "report", "--month", "2026-11", "--json"]) == 0
    printed = capsys.readouterr()
    exported = [target.read_text(encoding="utf-8"), printed.out, printed.err, str(recap_tab(workbook))]
    assert typed and not [t for t in typed if any(t in text for text in exported)]
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert rows[0] == ["bulan", "kategori", "nilai", "jumlah"]
    assert ["2026-11", "kasus", "jumlah kasus", str(recap_tab(workbook)["kasus"]["Nov"])] in rows


def test_a_month_written_otherwise_is_refused_with_the_form_to_use(workbook: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--workbook", str(workbook), "report", "--month", "11/2026"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        main(["report", "--help"])
    assert done.value.code == 0 and "--csv" in capsys.readouterr().out


def test_another_month_has_its_own_figures(workbook: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--workbook", str(workbook), "report", "--month", "2026-03", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cases"] == 0 and all(v in (0, None) for v in out["service"].values())


def test_report_and_status_speak_the_office_s_dates(workbook: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--workbook", str(workbook), "report", "--month", "2026-11"]) == 0
    assert capsys.readouterr().out.startswith("Rekap November 2026: ")
    main(["--workbook", str(workbook), "status"])
    waiting = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Terlama menunggu")]
    shown = re.compile(r" sejak \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}\.\d{2} WIB$")
    assert waiting and all(shown.search(line) for line in waiting), waiting
