"""`python -m sync selftest`: the reliability and privacy figures of issue 6, each with the test proving it.

Every check builds its own spreadsheet (Google over the in-process API double, or a local
.xlsx in a temporary folder), injects faults, runs cycles until nothing changes and compares
with a run without faults. Nothing sleeps: retry policies get a simulated clock.

The double is the `googledouble` package: it is imported only when the self-test runs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rules.errors import where
from sync.commands.selftest.common import FAST_CASES
from sync.commands.selftest.crash import crash_google, crash_local
from sync.commands.selftest.edits import staff_edits
from sync.commands.selftest.faults import local_faults
from sync.commands.selftest.hostile import hostile_input
from sync.commands.selftest.privacy import privacy
from sync.commands.selftest.split import crash_split
from sync.commands.selftest.storms import quota_storms

TESTS = "tests/test_selftest.py"


@dataclass(frozen=True)
class Check:
    """One figure of the self-test: what was measured, whether it meets the guarantee, and its test."""

    name: str
    figure: str
    passed: bool
    test: str


def checks_of(fast: bool = True) -> dict[str, Callable[[], tuple[str, bool]]]:
    """Every check by name, in the report's order; `fast` keeps the busy cycle at 50 responses and 15
    random form tabs per backend (the slow run: 120 responses, every decision of the bench, 200 random tabs)."""
    responses = 50 if fast else 120
    examples = 15 if fast else 200
    cases = FAST_CASES if fast else None
    return {
        "crash_google": lambda: crash_google(responses, cases),
        "crash_local": lambda: crash_local(responses, cases),
        "crash_split": lambda: crash_split(responses, cases),
        "quota_storms": lambda: quota_storms(responses, cases),
        "staff_edits": lambda: staff_edits(responses, cases),
        "hostile_input": lambda: hostile_input(examples, sweep_required=not fast),
        "privacy": privacy,
        "local_faults": local_faults,
    }


def run_selftest(fast: bool = True) -> list[Check]:
    """Run every check (see `checks_of`)."""
    with _quiet():
        return [_run(name, check) for name, check in checks_of(fast).items()]


def run_check(name: str, fast: bool = True) -> Check:
    """Run one check alone (each test of tests/test_selftest.py runs its own, so they spread over cores)."""
    with _quiet():
        return _run(name, checks_of(fast)[name])


def _run(name: str, check: Callable[[], tuple[str, bool]]) -> Check:
    try:
        figure, passed = check()
    except Exception as err:  # a check that cannot run is a failed check, never a crash of the report
        figure, passed = f"could not run: {type(err).__name__} at {where(err)}", False  # no message: privacy
    return Check(name, figure, passed, f"{TESTS}::test_{name}")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The faults the checks inject are logged by the worker: keep them out of the report (checks that
    read the log add their own handler)."""
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = [logging.NullHandler()]
    try:
        yield
    finally:
        root.handlers = saved


def render(checks: list[Check]) -> str:
    """One line per check: PASS/FAIL, the figure, and the test proving it."""
    lines = [f"{'PASS' if c.passed else 'FAIL'}  {c.figure}  [{c.test}]" for c in checks]
    failed = sum(not c.passed for c in checks)
    lines.append(f"{len(checks) - failed}/{len(checks)} checks passed")
    return "\n".join(lines)
