"""The command line: demo, once, status, run, exit codes, and the README's promises."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.commands import demo
from sync.commands.cli import main
from tests.conftest import Demo

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_has_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("demo", "once", "run", "status", "init", "doctor", "bench", "selftest"):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        assert len(capsys.readouterr().out) > 80, command


def test_demo_makes_a_workbook_whose_status_adds_up(demo_run: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    out = demo_run.out
    assert "Admin - Tinjauan" in out and "sapa-demo.xlsx" in out
    workbook = demo_run.workbook
    assert main(["--workbook", str(workbook), "status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["responses"] == 40
    assert report["cases"] + report["review"] == report["responses"]
    assert sum(report["by_state"].values()) == report["cases"]
    for state in ("closed", "referred", "rejected", "identification", "verification", "decision"):
        assert report["by_state"].get(state) == 1, state  # the demo walks one case down each path
    assert report["darurat"] >= 1
    assert report["warnings"] > 0
    # the program's own log output names no reporter or victim
    seeded = {str(r.get(f)) for r in demo.sample_rows()
              for f in ("reporter_name", "victim_name", "victim_address", "reporter_phone")}
    from openpyxl import load_workbook

    log_tab = repr(list(load_workbook(workbook)["Log Aktivitas"].iter_rows(values_only=True)))
    logged = demo_run.log + out + demo_run.err + log_tab
    assert "cycle done" in demo_run.log  # the program log was seen
    assert not [s for s in seeded if len(s) > 4 and s in logged]
    assert (demo_run.folder / "Surat SAPA" / "SAPA-2026-0001-surat-rujukan.docx").exists()


def test_once_twice_then_status_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "w.xlsx"
    from config.settings import Settings

    demo.write_responses(workbook, demo.sample_rows(12), Settings())
    assert main(["--workbook", str(workbook), "once"]) == 0
    before = workbook.read_bytes()
    assert main(["--workbook", str(workbook), "once"]) == 0
    assert workbook.read_bytes() == before  # an idle cycle does not even save
    assert main(["--workbook", str(workbook), "status"]) == 0
    assert "Kasus" in capsys.readouterr().out


def test_a_lock_file_is_exit_1_with_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "w.xlsx"
    from config.settings import Settings

    demo.write_responses(workbook, demo.sample_rows(12), Settings())
    (tmp_path / ".~lock.w.xlsx#").write_text("x")
    assert main(["--workbook", str(workbook), "once"]) == 1
    assert "Close the workbook" in capsys.readouterr().err


def test_run_stops_cleanly_on_sigterm(demo_run: Demo, tmp_path: Path) -> None:
    workbook = demo_run.copy(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "sync", "--workbook", str(workbook), "run", "--interval", "10"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 30
    seen = ""
    while "polling every" not in seen and time.monotonic() < deadline:
        seen += process.stderr.readline()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert "polling every 10 s" in seen


def test_readme_starts_with_the_two_setup_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(.*?)\n```", readme, flags=re.S)
    demo_command, test_command = blocks[0].strip(), blocks[1].strip()
    assert demo_command == "python -m pip install -r requirements.txt && python -m sync demo"
    assert test_command == "python -m pip install -r requirements-dev.txt && python -m pytest"
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_requirements_are_pinned() -> None:
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line), line


@pytest.mark.parametrize(("passed", "code"), [((True, True), 0), ((True, False), 1)])
def test_selftest_exits_1_when_any_figure_is_not_met(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str],
                                                     passed: tuple[bool, bool], code: int) -> None:
    import sync.commands.selftest
    from sync.commands.selftest import Check

    def checks(fast: bool = True) -> list[Check]:  # the report and exit code only: the checks have their tests
        return [Check(f"c{i}", f"figure {i}", ok, f"tests/test_selftest.py::test_c{i}") for i, ok in enumerate(passed)]

    monkeypatch.setattr(sync.commands.selftest, "run_selftest", checks)
    assert main(["selftest"]) == code
    out = capsys.readouterr().out
    assert out.count("PASS") == sum(passed) and out.count("FAIL") == len(passed) - sum(passed)


def test_selftest_without_the_test_install_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # as after `pip install -r requirements.txt` only
    assert main(["selftest", "--slow"]) == 2  # the sweeps need hypothesis; plain selftest does not
    assert "requirements-dev.txt" in capsys.readouterr().err


def test_plain_selftest_runs_without_hypothesis() -> None:
    """The worker's own install has no hypothesis: the self-test's modules load, and the hostile-input check
    tries its fixed corpus and says that the random tabs need hypothesis (a failure only for --slow)."""
    script = ("import sys\n"
              "sys.modules['hypothesis'] = None\n"
              "from sync.commands import cli, selftest\n"
              "from sync.commands.selftest import hostile\n"
              "print(hostile._sweep(1), hostile._sweep(1, required=True))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "requirements-dev.txt)', True) (" in done.stdout
    assert done.stdout.rstrip().endswith("requirements-dev.txt)', False)")


def test_global_options_are_taken_after_the_command_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "w.xlsx"
    from config.settings import Settings

    demo.write_responses(workbook, demo.sample_rows()[:3], Settings())
    assert main(["once", "--workbook", str(workbook), "-v"]) == 0
    assert main(["status", "--json", "--workbook", str(workbook)]) == 0
    assert json.loads(capsys.readouterr().out)["cases"] == 3


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for line in ("0    success", "1    a cycle failed", "2    bad configuration", "130  interrupted"):
        assert line in out


def test_status_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    workbook = tmp_path / "w.xlsx"
    from config.settings import Settings

    demo.write_responses(workbook, demo.sample_rows()[:3], Settings())
    assert main(["--workbook", str(workbook), "once"]) == 0
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(ROOT)}
    reader_gone = f'"{sys.executable}" -m sync --workbook "{workbook}" status | true; echo "$' + '{PIPESTATUS[0]}"'
    done = subprocess.run(["bash", "-c", reader_gone], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.stdout.strip() == "0", done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_log_json_makes_each_log_line_one_object_with_the_cycle_counts(tmp_path: Path) -> None:
    workbook = tmp_path / "w.xlsx"
    from config.settings import Settings

    rows = demo.sample_rows()[:3]
    demo.write_responses(workbook, rows, Settings())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "sync", "once", "--workbook", str(workbook), "--log-json"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert lines and all({"time", "level", "message"} <= set(line) for line in lines)
    cycle = next(line for line in lines if line["message"].startswith("cycle done"))
    assert cycle["responses"] == 3 and cycle["new_cases"] == 3 and cycle["level"] == "INFO"
    seeded = {str(r.get(f)) for r in rows for f in ("reporter_name", "victim_name", "reporter_phone")}
    assert not [s for s in seeded if len(s) > 4 and s in done.stderr]
