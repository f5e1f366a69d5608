"""Property: whatever reporters type, a cycle never crashes, loses a row or makes a formula, on either backend."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from config.settings import Settings
from sync.commands.selftest.office import GoogleBackend, LocalBackend
from sync.commands.selftest.strategies import ROWS, keeps_every_response_and_makes_no_formula
from sync.cycle.context import Context
from tests.conftest import NOW

CTX = Context.from_settings(Settings())
EXAMPLES = int(os.environ.get("SAPA_EXAMPLES", "40"))  # raise it for a longer search


@pytest.mark.parametrize("make", [LocalBackend, GoogleBackend], ids=["local", "google"])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS)
def test_arbitrary_answers_never_crash_lose_a_row_or_make_a_formula(make: type, rows: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        keeps_every_response_and_makes_no_formula(make(Path(folder)), rows, CTX, NOW)
