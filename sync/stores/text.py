"""Text as the worker writes and compares it: clean, bounded, never a formula.

Spreadsheet XML cannot hold control characters or lone surrogates, an .xlsx cell
holds at most 32,767 characters and a Google cell 50,000. The worker's tabs keep a
cut copy of a long answer; the full answer stays in the form responses tab.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
CUT_NOTE = " … [dipotong; lihat respons asli]"


def cell_text(value: object, limit: int | None = None) -> str | None:
    """A cell's value as comparable text (None when blank), cut to `limit` characters."""
    if value is None:
        return None
    if type(value) is str:  # most cells: checked first; a printable text holds nothing unsafe
        text = (value if value.isprintable() else _UNSAFE.sub("", value)).strip()
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime | date):
        text = value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    else:
        text = _UNSAFE.sub("", str(value)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - len(CUT_NOTE)] + CUT_NOTE
    return text or None
