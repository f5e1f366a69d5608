"""Hypothesis strategies for what reporters type, and the property every backend must keep.

The property runs in one place: `python -m sync selftest` (its hostile-input figure, on both
backends; `tests/test_selftest.py::test_hostile_input`; `--slow` for 200 random tabs a backend).
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import strategies as st

from config.settings import Settings
from rules.complaint import FIELDS
from sync.commands.selftest.office import Backend
from sync.commands.status import status
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.stores.text import cell_text

# What spreadsheet formula and CSV injection start with, and the form's own worst cases.
DANGEROUS = st.sampled_from([
    "=", "+", "-", "@", "\t", "\r", "\n", "=IMPORTXML(", "=IMPORTDATA(", "=HYPERLINK(", "{{x}}",
])
ANSWER = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.builds(lambda a, b: a + b, DANGEROUS, st.text(max_size=30)),
    st.integers(-10, 10**6),
    st.floats(min_value=-1e15, max_value=1e15),  # beyond, xlsx itself cannot keep the value
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
ROW = st.fixed_dictionaries({f: ANSWER for f in FIELDS})
ROWS = st.lists(ROW, min_size=1, max_size=6)


def keeps_every_response_and_makes_no_formula(backend: Backend, rows: list[dict[str, object]], ctx: Context,
                                              now: datetime) -> int:
    """Make a form tab of `rows`, run a cycle; assert the property; return how many cells were checked.

    Every response is a case or a review row, no cell of any tab is a formula, and a second
    cycle has nothing to do.
    """
    backend.create(rows, Settings())
    run_cycle(backend.store(), ctx, now, backend.writer())
    snapshot = backend.store().read([t.name for t in ctx.tabs.all])
    report = status(snapshot, ctx, ctx.local_time(now))
    answered = [r for r in rows if any(cell_text(v) is not None for v in r.values())]
    assert report["cases"] + report["review"] == report["responses"] == len(answered), report
    assert report["unprocessed"] == 0, report
    cells = backend.cells()
    formulas = [(tab, value) for tab, value, is_formula in cells if is_formula]
    assert not formulas, formulas[:3]
    assert not run_cycle(backend.store(), ctx, now, backend.writer()).plan  # and it is stable
    return len(cells)
