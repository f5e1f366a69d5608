"""Shared fixtures: the backends of the contract suite, and a fixed clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.settings import Settings
from googledouble import GoogleDouble
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend
from sync.cycle.context import Context
from sync.cycle.plan import CyclePlan
from sync.cycle.run import run_cycle

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 10:00 WIB

BACKENDS: dict[str, Callable[[Path], Backend]] = {"local": LocalBackend, "google": GoogleBackend}


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
