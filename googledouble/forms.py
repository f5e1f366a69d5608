"""A form responses spreadsheet as Google Forms leaves it: what reporters typed stays text, even "=...".

The bench, the self-test and the tests make their offices' spreadsheets with it.
"""

from __future__ import annotations

from typing import Any

from .sheets_values import set_value
from .values import Parsed


def google_spreadsheet(double: Any, tab: str, data: list[list[object]]) -> str:
    """A form spreadsheet in the double; text stays text (the double's set-up makes "=..." a formula)."""
    texts = {(r, c): v for r, row in enumerate(data) for c, v in enumerate(row)
             if isinstance(v, str) and v.startswith("=")}
    plain = [[None if (r, c) in texts else v for c, v in enumerate(row)] for r, row in enumerate(data)]
    spreadsheet_id: str = double.create_spreadsheet("SAPA", {tab: plain}, locale="id_ID")
    with double.editing(spreadsheet_id) as book:
        sheet = book.by_title(tab)
        for (r, c), text in texts.items():
            set_value(sheet, r, c, Parsed({"stringValue": text}))
    return spreadsheet_id
