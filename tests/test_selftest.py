"""`run_selftest(fast=True)`: every figure of issue 6 is met; one test per check so a failure points at it."""

from __future__ import annotations

import pytest

from sync.commands.selftest import Check, render, run_selftest

NAMES = ("crash_google", "crash_local", "crash_split", "quota_storms", "staff_edits", "hostile_input", "privacy",
         "local_faults")
# Checks that find a real bug not fixed yet: strict, so the fix makes these tests fail until the entry goes.
KNOWN_GAPS: dict[str, str] = {}  # check name -> why it is expected to fail (none now)


@pytest.fixture(scope="module")
def checks() -> dict[str, Check]:
    return {c.name: c for c in run_selftest(fast=True)}


def test_every_check_ran_and_passed(checks: dict[str, Check]) -> None:
    assert tuple(checks) == NAMES
    report = render(list(checks.values()))
    assert report.count("\n") == len(NAMES)
    assert all(c.passed for n, c in checks.items() if n not in KNOWN_GAPS), report
    assert not [n for n in KNOWN_GAPS if checks[n].passed], "a known gap is fixed: remove it from KNOWN_GAPS"


def _check(checks: dict[str, Check], name: str) -> None:
    if name in KNOWN_GAPS:
        pytest.xfail(KNOWN_GAPS[name])  # checked strictly in test_every_check_ran_and_passed
    check = checks[name]
    assert check.test.endswith(f"::test_{name}")
    assert check.passed, check.figure


def test_crash_google(checks: dict[str, Check]) -> None:
    _check(checks, "crash_google")


def test_crash_local(checks: dict[str, Check]) -> None:
    _check(checks, "crash_local")


def test_crash_split(checks: dict[str, Check]) -> None:
    _check(checks, "crash_split")


def test_quota_storms(checks: dict[str, Check]) -> None:
    _check(checks, "quota_storms")


def test_staff_edits(checks: dict[str, Check]) -> None:
    _check(checks, "staff_edits")


def test_hostile_input(checks: dict[str, Check]) -> None:
    _check(checks, "hostile_input")


def test_privacy(checks: dict[str, Check]) -> None:
    _check(checks, "privacy")


def test_local_faults(checks: dict[str, Check]) -> None:
    _check(checks, "local_faults")


@pytest.mark.slow
def test_the_slow_sweep_passes() -> None:
    """`python -m sync selftest --slow`: 120 responses, every decision of the bench, 200 random tabs a backend."""
    checks = run_selftest(fast=False)
    assert all(c.passed for c in checks), render(checks)


def test_render_marks_a_failure() -> None:
    text = render([Check("x", "1/2 crash points survived", False, "tests/test_selftest.py::test_x")])
    assert "FAIL  1/2 crash points survived  [tests/test_selftest.py::test_x]" in text
    assert text.endswith("0/1 checks passed")
