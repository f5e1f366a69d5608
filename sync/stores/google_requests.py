"""One home for the Sheets API requests the worker builds: the store's cycle (google_store.py),
`init` (sync/commands/google_init.py) and the probe build them here, so that a row's metadata, the
write token, a dropdown, a new column or a tab's look is the same request whoever sends it.

Row metadata (`sapa.key`, `sapa.end`) and the write token (`sapa.write`): see the invariant in
google_store.py's docstring. Values are `stringValue` / `numberValue`, never formulas.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from sync.stores import separators, workspace
from sync.stores.a1 import column_letter
from sync.stores.cells import GOOGLE_DAY, GOOGLE_MOMENT, serial
from sync.stores.store import Dropdown, Link, Look, Value
from sync.stores.text import cell_text

KEY = "sapa.key"  # on each row the worker created (or touched): the row's case/review ID
END = "sapa.end"  # sentinel on the last grid row of a tab the worker writes to
TOKEN = "sapa.write"  # spreadsheet-level: one per write, so a resent batch is refused
# A new tab's grid: its header and a margin of empty rows, which its dropdowns, colours and row look
# cover. The worker inserts its rows above the margin (google_store's `new_rows`), inside those ranges,
# so the grid grows with the content and keeps the margin: a tab is the size of its content, and every
# full read (which answers every row a dropdown covers, empty or not) stays small.
NEW_SHEET_MARGIN = 10
NEW_SHEET_ROWS = 1 + NEW_SHEET_MARGIN
NEW_SHEET_COLS = 26
GOOGLE_MAX_CHARS = 50000
DROPDOWN_HINT = "Pilih salah satu pilihan dari daftar."


def fresh_id(randint: Callable[[int, int], int], used: set[int]) -> int:
    """A new id (sheet, metadata, protection) not in `used`, which it joins: Google refuses a batch that
    makes one twice, and a metadata id must not clash with one the spreadsheet holds."""
    while True:
        candidate = randint(1, 2**31 - 1)
        if candidate not in used:
            used.add(candidate)
            return candidate


def add_sheet(sheet_id: int, title: str, rows: int, cols: int, *, first: bool = False) -> dict[str, Any]:
    """A new tab with its header row frozen (placed first when `first`: the guide tab)."""
    return {"addSheet": {"properties": {
        "sheetId": sheet_id, "title": title, **({"index": 0} if first else {}),
        "gridProperties": {"rowCount": rows, "columnCount": cols, "frozenRowCount": 1}}}}


# --- developer metadata --------------------------------------------------------------------------


def row_range(sheet_id: int, index: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": index, "endIndex": index + 1}


def create_meta_request(sheet_id: int, index: int, key: str, value: str, meta_id: int) -> dict[str, Any]:
    """Create metadata `key` (= `value`, when not empty) on row `index`, with the id given."""
    meta: dict[str, Any] = {
        "metadataId": meta_id,
        "metadataKey": key,
        "location": {"dimensionRange": row_range(sheet_id, index)},
        "visibility": "DOCUMENT",
    }
    if value:
        meta["metadataValue"] = value
    return {"createDeveloperMetadata": {"developerMetadata": meta}}


def delete_row_metadata_at(sheet_id: int, index: int, entry: dict[str, Any]) -> dict[str, Any]:
    """Delete the metadata `entry` (as read) only if it is still exactly on row `index`: a guard
    (google_store.py's docstring)."""
    lookup = {
        "metadataId": int(entry["metadataId"]),
        "metadataKey": entry["metadataKey"],
        "metadataLocation": {"dimensionRange": row_range(sheet_id, index)},
        "locationMatchingStrategy": "EXACT_LOCATION",
    }
    if entry.get("metadataValue"):
        lookup["metadataValue"] = entry["metadataValue"]
    return {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}}


def guard_requests(sheet_id: int, index: int, entry: dict[str, Any], value: str) -> list[dict[str, Any]]:
    """Fail the batch unless the metadata `entry` is still exactly on row `index`: delete it there, then
    create it again with the same id (and `value`). See google_store.py's docstring."""
    return [
        delete_row_metadata_at(sheet_id, index, entry),
        create_meta_request(sheet_id, index, str(entry["metadataKey"]), value, int(entry["metadataId"])),
    ]


def write_token(old_tokens: Collection[int], new_id: int) -> list[dict[str, Any]]:
    """Replace the write tokens read (`old_tokens`) with a new one: a batch resent after its answer was
    lost deletes a token that is gone, and Google refuses it instead of applying it twice."""
    out: list[dict[str, Any]] = [
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": token}}}}
        for token in old_tokens
    ]
    out.append({"createDeveloperMetadata": {"developerMetadata": {
        "metadataId": new_id, "metadataKey": TOKEN, "metadataValue": "",
        "location": {"spreadsheet": True}, "visibility": "DOCUMENT"}}})
    return out


# --- columns, cells, dropdowns ---------------------------------------------------------------------


def dropdown_rule(sheet_id: int, column: int, rows: int, dropdown: Dropdown) -> dict[str, Any]:
    """A strict dropdown of `dropdown.choices` on a column, below its header."""
    return {"setDataValidation": {
        "range": column_range(sheet_id, column, 1, rows),
        "rule": {
            "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in dropdown.choices]},
            "inputMessage": DROPDOWN_HINT,
            "strict": True,
            "showCustomUi": True}}}


STAFF_BACKGROUND = {"red": 1.0, "green": 0.949, "blue": 0.8}  # pale yellow: "staff fill this in"


class Grid(Protocol):
    sheet_id: int
    cols: int
    headers: list[str]


def append_header(sheet: Grid, header: str, requests: list[dict[str, Any]], *, staff: bool = False) -> int:
    """Requests that add `header` right of the last header (growing the grid if needed); its column."""
    used = [i for i, h in enumerate(sheet.headers) if h]
    index = (used[-1] + 1) if used else 0
    sheet.headers += [""] * (index + 1 - len(sheet.headers))
    sheet.headers[index] = header
    if index >= sheet.cols:
        grow = index + 1 - sheet.cols
        requests.append({"appendDimension": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS", "length": grow}})
        sheet.cols += grow
    cell = cell_data(header)
    cell["userEnteredFormat"] = {"textFormat": {"bold": True}}
    fields = "userEnteredValue,userEnteredFormat.textFormat.bold"
    if staff:
        cell["userEnteredFormat"]["backgroundColorStyle"] = {"rgbColor": STAFF_BACKGROUND}
        fields += ",userEnteredFormat.backgroundColorStyle"
    requests.append({"updateCells": {
        "start": {"sheetId": sheet.sheet_id, "rowIndex": 0, "columnIndex": index},
        "rows": [{"values": [cell]}], "fields": fields}})
    return index


# The cell fields a value write sets: its value, and the number format and link that go with it
# (cleared when the new value has none: a cell that held a link or a date holds plain text now).
VALUE_FIELDS = "userEnteredValue,userEnteredFormat.numberFormat,userEnteredFormat.textFormat.link"


def cell_data(value: Value) -> dict[str, Any]:
    """A CellData that stores text as text, numbers as numbers, times as date cells and links as
    links (a cell-level `textFormat.link`), never a formula."""
    if value is None:
        return {}
    if isinstance(value, Link):
        cell = cell_data(value.text)
        cell["userEnteredFormat"] = {"textFormat": {"link": {"uri": value.url}}}
        return cell
    if isinstance(value, date):
        pattern = GOOGLE_MOMENT if isinstance(value, datetime) else GOOGLE_DAY
        return {"userEnteredValue": {"numberValue": serial(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": pattern}}}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"userEnteredValue": {"numberValue": value}}
    text = cell_text(value, limit=GOOGLE_MAX_CHARS)
    return {"userEnteredValue": {"stringValue": text}} if text else {}


# --- the workspace's look (sync/stores/workspace.py) as Sheets API requests ------------------------

_PIXELS_PER_CHAR = 7


def _rgb(hex_color: str) -> dict[str, float]:
    return {k: round(int(hex_color[i:i + 2], 16) / 255, 3) for k, i in (("red", 0), ("green", 2), ("blue", 4))}


def look_requests(sheet_id: int, headers: Sequence[str], rows: int, look: Look) -> list[dict[str, Any]]:
    """Requests that give a tab its look: the same as the local store's (`local_store._dress`).

    Conditional formats read the row's own cell, so colours follow rows that staff sort;
    the basic filter's criteria hide finished cases (clearing the filter shows them).
    """
    columns = {h: i for i, h in enumerate(headers) if h}
    width = max(columns.values(), default=0) + 1
    out: list[dict[str, Any]] = [{"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {
            "frozenRowCount": 1, "frozenColumnCount": look.frozen_columns}},
        "fields": "gridProperties.frozenRowCount,gridProperties.frozenColumnCount"}}]
    out += [_dimension(sheet_id, columns[h], {"pixelSize": chars * _PIXELS_PER_CHAR}, "pixelSize")
            for h, chars in look.widths if h in columns]
    out += [_dimension(sheet_id, columns[h], {"hiddenByUser": True}, "hiddenByUser")
            for h in look.hidden if h in columns]
    # No row height is sent: Google fits a row nobody gave a height to its wrapped text. (A pixelSize
    # fixes it; autoResizeDimensions on rows is known to give one line's 21 px whatever the wrapping.)
    out.append(header_font(sheet_id, width))
    for first, last in _runs(sorted(columns[h] for h in look.wrapped if h in columns)):  # one request a run
        out.append({"repeatCell": {
            "range": {**column_range(sheet_id, first, 0, rows), "endColumnIndex": last + 1},
            "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
            "fields": "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment"}})
    for header, text in look.notes:
        if header in columns:
            out.append({"updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": columns[header]},
                "rows": [{"values": [{"note": text}]}], "fields": "note"}})
    out += _highlights(sheet_id, columns, width, rows, look)
    specs = [{"columnIndex": columns[h], "filterCriteria": {"hiddenValues": list(hidden)}}
             for h, hidden in look.filter_hides if h in columns]
    # Google's filter lists values to hide, not to show: a queue column holds its values or nothing.
    specs += [{"columnIndex": columns[h], "filterCriteria": {"condition": {"type": "NOT_BLANK"}}}
              for h, shown in look.filter_shows if h in columns and shown]
    out.append({"setBasicFilter": {"filter": {
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "startColumnIndex": 0, "endColumnIndex": width},
        **({"filterSpecs": specs} if specs else {})}}})
    return out


def _runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """Runs [first, last] of consecutive column indexes (sorted)."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def header_font(sheet_id: int, width: int) -> dict[str, Any]:
    """The header row in the body's font and size (workspace.GOOGLE_FONT), bold: one font on every tab."""
    family, size = workspace.GOOGLE_FONT
    return {"repeatCell": {
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                  "endColumnIndex": width},
        "cell": {"userEnteredFormat": {"textFormat": {"fontFamily": family, "fontSize": size, "bold": True}}},
        "fields": "userEnteredFormat.textFormat.fontFamily,userEnteredFormat.textFormat.fontSize,"
                  "userEnteredFormat.textFormat.bold"}}


def chart_requests(sheet_id: int, headers: Sequence[str], rows: dict[str, int], look: Look) -> list[dict[str, Any]]:
    """An addChart for each chart of a new tab's look (`rows`: the row index of each key written).

    Placed once: Google keeps the chart and redraws it from the cells of its ranges, which the
    worker's updates change in place; a later cycle sends nothing for it. Each series is one row,
    its first cell (`label_header`, just left of the data) naming it (headerCount 1).
    """
    columns = {h: i for i, h in enumerate(headers) if h}
    out: list[dict[str, Any]] = []
    for chart in look.charts:
        data = [columns[h] for h in chart.columns if h in columns]
        if not data or chart.label_header not in columns:
            continue
        start, end = min(columns[chart.label_header], min(data)), max(data) + 1

        def source(row: int, start: int = start, end: int = end) -> dict[str, Any]:
            return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1,
                                                 "startColumnIndex": start, "endColumnIndex": end}]}}

        series = [{"series": source(rows[key]), "targetAxis": "LEFT_AXIS"} for key in chart.series if key in rows]
        out.append({"addChart": {"chart": {
            "spec": {"title": chart.title, "basicChart": {
                "chartType": "COLUMN", "legendPosition": "RIGHT_LEGEND", "headerCount": 1,
                "stackedType": "STACKED" if chart.stacked else "NOT_STACKED",
                "axis": [{"position": "BOTTOM_AXIS", "title": chart.x_title},
                         {"position": "LEFT_AXIS", "title": chart.y_title}],
                "domains": [{"domain": source(0)}], "series": series}},
            "position": {"overlayPosition": {
                "anchorCell": {"sheetId": sheet_id, "rowIndex": chart.anchor_row - 1,
                               "columnIndex": chart.anchor_column - 1},
                "widthPixels": chart.width_cm * _PIXELS_PER_CM, "heightPixels": chart.height_cm * _PIXELS_PER_CM}},
        }}})
    return out


_PIXELS_PER_CM = 38


def _highlights(sheet_id: int, columns: dict[str, int], width: int, rows: int, look: Look) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rule in look.highlights:
        if rule.header not in columns:
            continue
        column = columns[rule.header]
        letter = column_letter(column + 1)
        cells = column_range(sheet_id, column, 1, rows) if rule.cell else {
            "sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": rows, "startColumnIndex": 0,
            "endColumnIndex": width}
        style: dict[str, Any] = {"backgroundColorStyle": {"rgbColor": _rgb(rule.color)}}
        if rule.grey_text:
            style["textFormat"] = {"foregroundColorStyle": {"rgbColor": _rgb("808080")}}
        formula = workspace.highlight_formula(letter, 2, rule.values, sep=separators.GOOGLE)
        out.append(_conditional(cells, formula, style, len(out)))
    beat = look.heartbeat
    if beat is not None and beat.header in columns:
        column = columns[beat.header]
        letter = column_letter(column + 1)
        cell = column_range(sheet_id, column, beat.row - 1, beat.row)
        out.append({"repeatCell": {"range": cell, "cell": {"userEnteredFormat": {"numberFormat": {
            "type": "DATE_TIME", "pattern": GOOGLE_MOMENT}, "horizontalAlignment": "LEFT"}},
            "fields": "userEnteredFormat.numberFormat,userEnteredFormat.horizontalAlignment"}})
        red = {"backgroundColorStyle": {"rgbColor": _rgb("E06666")},
               "textFormat": {"bold": True, "foregroundColorStyle": {"rgbColor": _rgb("FFFFFF")}}}
        rules = sum(1 for r in out if "addConditionalFormatRule" in r)
        out.append(_conditional(cell, workspace.heartbeat_formula(letter, beat.row, beat.stale_minutes,
                                                                   sep=separators.GOOGLE), red, rules))
    return out


def _conditional(cells: dict[str, Any], formula: str, style: dict[str, Any], index: int) -> dict[str, Any]:
    return {"addConditionalFormatRule": {"index": index, "rule": {"ranges": [cells], "booleanRule": {
        "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=" + formula}]},
        "format": style}}}}


def _dimension(sheet_id: int, column: int, properties: dict[str, Any], fields: str) -> dict[str, Any]:
    return {"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": column, "endIndex": column + 1},
        "properties": properties, "fields": fields}}


def column_range(sheet_id: int, column: int, start: int, end: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "startRowIndex": start, "endRowIndex": end,
            "startColumnIndex": column, "endColumnIndex": column + 1}
