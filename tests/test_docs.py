"""The office's guide stays true to the procedure: every decision, every staff tab and every
picture it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from config.settings import Settings
from rules.workflow import FIELDS, TRANSITIONS
from sync.cycle.tabs import layouts

DOCS = Path(__file__).resolve().parents[1] / "docs"
GUIDE = (DOCS / "panduan-staf.md").read_text(encoding="utf-8")


def test_the_guide_names_every_decision_and_what_it_needs() -> None:
    for t in TRANSITIONS:
        assert f"`{t.decision}`" in GUIDE, t.decision
        for key in t.required:
            assert f"`{FIELDS[key].label}`" in GUIDE, (t.decision, FIELDS[key].label)


def test_the_guide_names_every_staff_tab_by_its_default_name() -> None:
    tabs = layouts(Settings())
    for layout in (*tabs.roles.values(), tabs.review, tabs.agenda, tabs.register, tabs.log):
        assert f"`{layout.name}`" in GUIDE, layout.name


def test_every_picture_of_the_guide_is_there() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", GUIDE)
    assert pictures
    for picture in pictures:
        path = DOCS / picture
        assert path.is_file() and path.stat().st_size < 200_000, picture
