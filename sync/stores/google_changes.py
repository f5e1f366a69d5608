"""Learning cheaply that nothing changed since the last full read, so that an idle cycle does not
read the whole spreadsheet, whose size grows with the office's history.

The worker keeps, in hidden columns X:Z of its help tab (rows 2 on, one row per other tab), a
*fingerprint* of every tab: a formula Google recalculates on every edit, which sums each column's
cell lengths weighted by row number (column by column, weighted by column number) and adds the
sum of the tab's numbers. X holds the tab's title and Y the columns the formula covers, as plain
text the worker wrote; Z holds the formula. Rows are open-ended (`A1:A`), so responses arriving
below are covered; a column added right of the grid is not, but it changes the grid's size.

An idle cycle then makes two small requests instead of the full read: the tabs' properties (titles
and grid sizes, the write tokens, the spreadsheet's locale and time zone) and the fingerprint values.
When both equal what the last full read saw, the spreadsheet is taken as unchanged and that read is
used again (re-planned at the new clock time); otherwise, and whenever the block is missing, stale
(a tab added, renamed or widened) or shows an error, the cycle reads in full. A store reads in full after every write it
attempted, on its first read, and every `full_read_every` reads in any case.

What a fingerprint can miss: an edit that keeps every length and every number, such as one
dropdown choice replaced by another of the same length, or two cells of equal length swapped
within a row. Such an edit is seen at the next full read (by default within 10 cycles). A missed
edit can delay a decision; it cannot lose a response (a new response changes the lengths) or
corrupt a write: every write is guarded row by row (see google_store's module doc) and is
always followed by a full read. The probe (`doctor --probe`) checks the formula on the office's
real spreadsheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sync.stores import separators
from sync.stores.a1 import column_letter, quoted_title
from sync.stores.google_read import Grid, grids, settings_of

FIRST_COLUMN = 23  # X, 0-based: title, columns covered, fingerprint
WIDTH = 3
FIRST_ROW = 1  # 0-based: row 2, under the help tab's header row
FULL_READ_EVERY = 10  # reads; a full read at least this often, whatever the fingerprints say
LOOK_FIELDS = "sheets(data(rowData(values(effectiveValue))))"


@dataclass(frozen=True)
class View:
    """What two small requests tell of the spreadsheet: enough to see that nothing changed."""

    grids: tuple[Grid, ...]
    tokens: tuple[int, ...]  # spreadsheet-level developer metadata ids (the write tokens among them)
    fingerprints: tuple[object, ...]
    settings: tuple[str | None, str | None] = (None, None)  # the spreadsheet's locale and time zone


def formula(title: str, columns: int) -> str:
    """The fingerprint of tab `title` over its first `columns` columns (rows open-ended); its arguments
    separated by `;`, which parses in every locale (sync/stores/separators.py)."""
    quoted = quoted_title(title)
    terms = []
    for column in range(1, max(columns, 1) + 1):
        letter = column_letter(column)
        rng = f"{quoted}!{letter}1:{letter}"
        terms.append(f"{column}*SUMPRODUCT(LEN({rng}){separators.GOOGLE}ROW({rng}))")
    return "=" + "+".join(terms) + f"+SUM({quoted}!A1:{column_letter(max(columns, 1))})"


def wanted(tabs: Sequence[Grid], guide: str) -> list[tuple[str, int]]:
    """The block's (title, columns) rows for these tabs: every tab but the help tab, by title."""
    return sorted((g.title, g.cols) for g in tabs if g.title != guide)


def block_of(body: Mapping[str, Any], guide: str) -> list[tuple[object, ...]] | None:
    """The block's rows (effective values of X:Z, rows 2 on) in a full read's answer; None without a
    help tab or when it is too narrow to hold the block."""
    for sheet in body.get("sheets") or []:
        props = sheet.get("properties") or {}
        if props.get("title") != guide:
            continue
        if int((props.get("gridProperties") or {}).get("columnCount", 0)) < FIRST_COLUMN + WIDTH:
            return None
        rows: dict[int, tuple[object, ...]] = {}
        for data in sheet.get("data") or []:
            start = int(data.get("startRow", 0))
            for offset, row in enumerate(data.get("rowData") or []):
                cells = (row.get("values") or [])[FIRST_COLUMN:FIRST_COLUMN + WIDTH]
                values = tuple(_effective(c) for c in cells) + (None,) * (WIDTH - len(cells))
                if start + offset >= FIRST_ROW and any(v is not None for v in values):
                    rows[start + offset] = values
        last = max(rows, default=FIRST_ROW - 1)
        return [rows.get(i, (None,) * WIDTH) for i in range(FIRST_ROW, last + 1)]
    return None


def _effective(cell: Mapping[str, Any] | None) -> object:
    """A cell's effective value; an error as the string "#ERROR" (so it never equals a number)."""
    value = (cell or {}).get("effectiveValue") or {}
    if "errorValue" in value:
        return "#ERROR"
    for kind in ("numberValue", "stringValue", "boolValue"):
        if kind in value:
            return value[kind]
    return None


def fresh(block: Sequence[tuple[object, ...]] | None, want: Sequence[tuple[str, int]]) -> bool:
    """Does the block cover exactly these tabs, each with a number for its fingerprint?"""
    if block is None or len(block) != len(want):
        return False
    return all(
        row[0] == title and row[1] == str(columns) and isinstance(row[2], (int, float)) and not isinstance(row[2], bool)
        for row, (title, columns) in zip(block, want, strict=True)
    )


def view_of(body: Mapping[str, Any], fingerprints: Sequence[object]) -> View:
    tokens = sorted(int(m["metadataId"]) for m in body.get("developerMetadata") or [] if "metadataId" in m)
    return View(tuple(grids(dict(body))), tuple(tokens), tuple(fingerprints), settings_of(body))


def fingerprints_in(answer: Mapping[str, Any]) -> list[object]:
    """The Z column of the block from the small request's answer (LOOK_FIELDS)."""
    out: list[object] = []
    for sheet in answer.get("sheets") or []:
        for data in sheet.get("data") or []:
            out += [_effective((row.get("values") or [None])[0]) for row in data.get("rowData") or []]
    return out


def fingerprint_range(guide: str, tabs: int) -> str:
    column = column_letter(FIRST_COLUMN + WIDTH)
    return f"{quoted_title(guide)}!{column}{FIRST_ROW + 1}:{column}{FIRST_ROW + max(tabs, 1)}"


def block_requests(sheet_id: int, cols: int, want: Sequence[tuple[str, int]], old_rows: int) -> list[dict[str, Any]]:
    """Requests that (re)write the block on the help tab `sheet_id` (`cols` wide) and hide its columns;
    rows of an older, longer block are cleared."""
    out: list[dict[str, Any]] = []
    if cols < FIRST_COLUMN + WIDTH:
        out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                        "length": FIRST_COLUMN + WIDTH - cols}})
    rows = [{"values": [{"userEnteredValue": {"stringValue": title}},
                        {"userEnteredValue": {"stringValue": str(columns)}},
                        {"userEnteredValue": {"formulaValue": formula(title, columns)}}]}
            for title, columns in want]
    rows += [{"values": [{}, {}, {}]} for _ in range(max(old_rows - len(want), 0))]
    if rows:
        out.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": FIRST_ROW, "columnIndex": FIRST_COLUMN},
            "rows": rows, "fields": "userEnteredValue"}})
    out.append({"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": FIRST_COLUMN,
                  "endIndex": FIRST_COLUMN + WIDTH},
        "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
    return out
