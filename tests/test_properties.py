"""Property: whatever reporters type, a cycle never crashes, loses a row or makes a formula."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from config.settings import Settings
from rules.complaint import FIELDS
from sync import demo
from sync.context import Context
from sync.cycle import run_cycle
from sync.local_store import LocalStore
from sync.status import status
from tests.conftest import NOW

CTX = Context.from_settings(Settings())
EXAMPLES = int(os.environ.get("SAPA_EXAMPLES", "40"))  # raise it for a longer search
DANGEROUS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "=IMPORTXML(", "=HYPERLINK(", "{{x}}"])
ANSWER = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.builds(lambda a, b: a + b, DANGEROUS, st.text(max_size=30)),
    st.integers(-10, 10**6),
    st.floats(min_value=-1e15, max_value=1e15),  # beyond, xlsx itself cannot keep the value
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
ROW = st.fixed_dictionaries({f: ANSWER for f in FIELDS})


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=6))
def test_arbitrary_answers_never_crash_lose_a_row_or_make_a_formula(rows: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sapa.xlsx"
        demo.write_responses(path, rows, Settings())
        run_cycle(LocalStore(path), CTX, NOW)
        store = LocalStore(path)
        report = status(store.read([t.name for t in CTX.tabs.all]), CTX, CTX.local_time(NOW))
        assert report["cases"] + report["review"] == report["responses"]
        assert report["unprocessed"] == 0
        book = load_workbook(path)
        for sheet in book.worksheets:
            for line in sheet.iter_rows():
                for cell in line:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate)
        assert not run_cycle(LocalStore(path), CTX, NOW).plan  # and it is stable
