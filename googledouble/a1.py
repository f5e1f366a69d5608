"""A1 notation: parsing ranges, naming cells, and quoting sheet titles as Google does."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_CELL = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL = re.compile(r"^[A-Za-z]{1,3}\d*$|^[Rr]\d*[Cc]\d*$")


def col_letter(index: int) -> str:
    """0-based column index -> letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """Letters -> 0-based column index (A -> 0)."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value - 1


def quote_title(title: str) -> str:
    """Quote a sheet title only when Google would (``Sheet1`` but ``'My sheet'``, ``'D3'``)."""
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Rect:
    """A 0-based, end-exclusive rectangle; ``None`` ends are open (to the grid's edge)."""

    start_row: int | None
    end_row: int | None
    start_col: int | None
    end_col: int | None

    def clamp(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        r0 = self.start_row or 0
        c0 = self.start_col or 0
        r1 = rows if self.end_row is None else min(self.end_row, rows)
        c1 = cols if self.end_col is None else min(self.end_col, cols)
        return r0, max(r1, r0), c0, max(c1, c0)


def cell_name(row: int, col: int) -> str:
    return f"{col_letter(col)}{row + 1}"


def rect_a1(r0: int, r1: int, c0: int, c1: int) -> str:
    """Closed rectangle -> ``A1:B2`` (or ``A1`` for a single cell)."""
    start = cell_name(r0, c0)
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return start
    return f"{start}:{cell_name(r1 - 1, c1 - 1)}"


def open_rect_a1(rect: Rect) -> str:
    """A1 text of a possibly open rectangle, as Google names it in messages."""
    start_col = col_letter(rect.start_col or 0)
    start = f"{start_col}{(rect.start_row or 0) + 1}"
    end_col = "" if rect.end_col is None else col_letter(rect.end_col - 1)
    end_row = "" if rect.end_row is None else str(rect.end_row)
    one_row = rect.end_row is not None and rect.end_row - (rect.start_row or 0) == 1
    one_col = rect.end_col is not None and rect.end_col - (rect.start_col or 0) == 1
    if one_row and one_col:
        return start
    return f"{start}:{end_col}{end_row}"


@functools.lru_cache(maxsize=2048)
def split_sheet(text: str) -> tuple[str | None, str]:
    """Split ``'Sheet 1'!A1:B2`` into (title, ref); title is None when absent.

    A bare quoted title gives (title, "").
    """
    text = text.strip()
    if text.startswith("'"):
        i = 1
        title_chars: list[str] = []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title_chars.append("'")
                    i += 2
                    continue
                break
            title_chars.append(ch)
            i += 1
        rest = text[i + 1 :]
        if rest.startswith("!"):
            return "".join(title_chars), rest[1:]
        if rest == "":
            return "".join(title_chars), ""
        raise ValueError(text)
    if "!" in text:
        title, ref = text.rsplit("!", 1)
        return title, ref
    return None, text


@functools.lru_cache(maxsize=2048)
def parse_ref(ref: str) -> Rect | None:
    """Parse ``A1``, ``A1:B2``, ``A:C``, ``2:5``, ``A2:C``, ``A1:1``; None if not a cell reference."""
    parts = ref.split(":")
    if len(parts) > 2 or not ref:
        return None
    points = []
    for part in parts:
        m = _CELL.match(part)
        if not m or (not m.group(1) and not m.group(2)):
            return None
        col = col_index(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            return None
        points.append((row, col))
    if len(points) == 1:
        row, col = points[0]
        if row is None or col is None:
            # "A" alone or "5" alone is not a valid reference.
            return None
        return Rect(row, row + 1, col, col + 1)
    (ra, ca), (rb, cb) = points
    if ra is None and rb is not None and ca is not None:
        # "A:B5" style; treat the missing row as the first row.
        ra = 0
    rows = [r for r in (ra, rb) if r is not None]
    cols = [c for c in (ca, cb) if c is not None]
    start_row = min(rows) if ra is not None and rb is not None else ra
    end_row = max(rows) + 1 if ra is not None and rb is not None else None
    if ra is None and rb is None:
        start_row, end_row = None, None
    start_col = min(cols) if ca is not None and cb is not None else ca
    end_col = max(cols) + 1 if ca is not None and cb is not None else None
    if ca is None and cb is None:
        start_col, end_col = None, None
    if ra is not None and rb is None:
        # "A2:C": rows open below, start at ra.
        start_row, end_row = ra, None
    return Rect(start_row, end_row, start_col, end_col)
