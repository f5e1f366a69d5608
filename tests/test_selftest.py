"""`python -m sync selftest`: every figure of issue 6 is met; one test per check, each running its own check
(so that they spread over the cores), so a failure points at it.

The exhaustive sweep (120 responses, every decision of the bench, 200 random tabs a backend) is not a
test: `python -m sync selftest --slow` runs it, in one place.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.commands.selftest import Check, checks_of, render, run_check

NAMES = ("crash_google", "crash_local", "crash_split", "quota_storms", "staff_edits", "hostile_input", "privacy",
         "local_faults")
# Checks that find a real bug not fixed yet: strict, so the fix makes these tests fail until the entry goes.
KNOWN_GAPS: dict[str, str] = {}  # check name -> why it is expected to fail (none now)


def test_every_check_is_in_the_report_and_has_its_test() -> None:
    assert tuple(checks_of(fast=True)) == NAMES == tuple(checks_of(fast=False))
    source = Path(__file__).read_text(encoding="utf-8")
    assert all(f"def test_{name}(" in source for name in NAMES)


def _check(name: str) -> None:
    check = run_check(name)
    assert check.test.endswith(f"::test_{name}")
    if name in KNOWN_GAPS:
        assert not check.passed, "a known gap is fixed: remove it from KNOWN_GAPS"
        pytest.xfail(KNOWN_GAPS[name])
    assert check.passed, check.figure


@pytest.mark.slow
def test_crash_google() -> None:
    _check("crash_google")


@pytest.mark.slow
def test_crash_local() -> None:
    _check("crash_local")


@pytest.mark.slow
def test_crash_split() -> None:
    _check("crash_split")


@pytest.mark.slow
def test_quota_storms() -> None:
    _check("quota_storms")


@pytest.mark.slow
def test_staff_edits() -> None:
    _check("staff_edits")


@pytest.mark.slow
def test_hostile_input() -> None:
    _check("hostile_input")


@pytest.mark.slow
def test_privacy() -> None:
    _check("privacy")


def test_local_faults() -> None:
    _check("local_faults")


def test_a_check_that_cannot_run_is_a_failed_check_not_a_crash() -> None:
    from sync.commands import selftest

    def broken() -> tuple[str, bool]:
        raise RuntimeError("Siti Aminah, 0812-3456-7890")  # a message may hold personal data: never shown

    check = selftest._run("x", broken)
    assert not check.passed and check.figure.startswith("could not run: RuntimeError at ")
    assert "Siti" not in check.figure


def test_render_marks_a_failure() -> None:
    text = render([Check("x", "1/2 crash points survived", False, "tests/test_selftest.py::test_x")])
    assert "FAIL  1/2 crash points survived  [tests/test_selftest.py::test_x]" in text
    assert text.endswith("0/1 checks passed")
