"""The form responses tab: which rows are responses, and how to recognise one again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sync.text import cell_text

# Google names the tab the form fills by the spreadsheet's locale.
RESPONSE_TABS = ("Form Responses 1", "Respons Formulir 1")


def fingerprint(headers: Sequence[str], row: Sequence[object], marker_header: str) -> str:
    """A short hash of a response's answers (the worker's marker column aside).

    Columns are taken by title, in sorted order, so that moving a column does not
    change it; a reporter's edit does (Google also updates the timestamp then).
    """
    pairs = sorted(
        (h, _canonical(row[i]))
        for i, h in enumerate(headers)
        if h and h != marker_header and i < len(row)
    )
    pairs = [p for p in pairs if p[1]]
    digest = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode("utf-8", "replace"))
    return digest.hexdigest()[:16]


def _canonical(value: object) -> str:
    """Text that survives a save and reload (xlsx keeps floats to ~16 digits)."""
    if isinstance(value, float) and not value.is_integer():
        return format(value, ".12g")
    return cell_text(value) or ""


def is_blank(headers: Sequence[str], row: Sequence[object], marker_header: str) -> bool:
    return all(
        cell_text(v) is None
        for i, v in enumerate(row)
        if i >= len(headers) or headers[i] != marker_header
    )
