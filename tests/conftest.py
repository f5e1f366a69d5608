"""Shared fixtures: the backends of the contract suite, and a fixed clock; the suite's tiers.

Tiers: `python -m pytest` (what CI runs) proves every guarantee, spread over the cores by pytest-xdist;
`python -m pytest -m "not slow"` is the inner loop. Hypothesis runs the `ci` profile (set
HYPOTHESIS_PROFILE=slow for a longer search); the exhaustive sweeps are `python -m sync selftest --slow`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from config.settings import Settings
from googledouble import GoogleDouble
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend
from sync.cycle.context import Context
from sync.cycle.plan import CyclePlan
from sync.cycle.run import run_cycle

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 10:00 WIB

BACKENDS: dict[str, Callable[[Path], Backend]] = {"local": LocalBackend, "google": GoogleBackend}

hypothesis_settings.register_profile(
    "ci", max_examples=25, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
hypothesis_settings.register_profile(
    "slow", max_examples=200, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Hypothesis's caches, never in the checkout (nor in the checkout of a command a test starts)
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY") or tempfile.mkdtemp(
    prefix="sapa-hypothesis-")
set_hypothesis_home_dir(os.environ["HYPOTHESIS_STORAGE_DIRECTORY"])


ROOT = Path(__file__).resolve().parents[1]
_BEFORE = pytest.StashKey[set[str]]()


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the cores are already shared out among test processes:
        os.environ.setdefault("SAPA_SELFTEST_WORKERS", "1")  # the self-test's sweeps run serially inside one


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, so that the cores share the long ones and end together."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def _checkout() -> set[str]:
    """The checkout's files and folders, but git's, the virtual environment's and Python's bytecode caches."""
    found: set[str] = set()
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in (".git", ".venv", "__pycache__")]
        found.update(os.path.relpath(os.path.join(folder, name), ROOT) for name in (*subfolders, *files))
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        session.config.stash[_BEFORE] = _checkout()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No test writes into the checkout (a demo folder, a hypothesis database): it writes in its tmp_path."""
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    added = sorted(_checkout() - before)
    if added:
        session.config.get_terminal_writer().line(f"tests wrote into the checkout: {added[:10]}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED



@pytest.fixture(autouse=True)
def requests_by_the_book(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every request sent to a Google double during a test is one Google's discovery documents allow,
    with no deprecated field (googledouble/discovery.py). The double's own tests send bad ones on purpose."""
    GoogleDouble.made.clear()
    yield
    if request.node.path.name.startswith("test_google_double"):
        return
    for double in list(GoogleDouble.made):
        assert not double.invalid_requests, f"requests Google would refuse: {double.invalid_requests[:5]}"
        assert not double.deprecated_uses, f"deprecated fields sent: {sorted(set(double.deprecated_uses))[:5]}"


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    return BACKENDS[request.param](tmp_path)


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def ctx(settings: Settings) -> Context:
    return Context.from_settings(settings)


@pytest.fixture
def cycle(backend: Backend, ctx: Context) -> Callable[..., CyclePlan]:
    def run(now: datetime = NOW) -> CyclePlan:
        return run_cycle(backend.store(), ctx, now, backend.writer())

    return run


@dataclass(frozen=True)
class Demo:
    """The README's first command, run once per test process: its folder and what it printed and logged."""

    folder: Path
    out: str
    err: str
    log: str

    @property
    def workbook(self) -> Path:
        return self.folder / "sapa-demo.xlsx"

    def copy(self, to: Path) -> Path:
        """A copy of the demo's folder in `to` (for a test that changes the workbook); its workbook."""
        shutil.copytree(self.folder, to, dirs_exist_ok=True)
        return to / "sapa-demo.xlsx"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """`python -m sync demo --dir F`, built once: tests that only read it share it; tests that change it
    take `demo_run.copy(tmp_path)`."""
    from sync.commands.cli import main

    folder = tmp_path_factory.mktemp("demo")
    out, err, log = io.StringIO(), io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(log)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            assert main(["demo", "--dir", str(folder)]) == 0
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    return Demo(folder, out.getvalue(), err.getvalue(), log.getvalue())
