"""The double costs what Google costs: work goes with the cells that hold something, not with the grid's size.

These tests count calls (never time), so they hold on a busy machine: a mostly empty 1,000-row tab is
read and written without work per empty cell, masks are parsed once, alike cells are computed once.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from googledouble import GoogleDouble, batch_common, fields, sheets_read

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RULE = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Ya"}]}, "showCustomUi": True}


def _double() -> tuple[GoogleDouble, str, int]:
    double = GoogleDouble(clock=lambda: NOW)
    sid = double.create_spreadsheet("S", {"Tab": [["a", "b", "c"], [1, 2, 3], [4, 5, 6]]}, rows=1000)
    return double, sid, double.spreadsheets[sid].ordered()[0].sheet_id


def _call(double: GoogleDouble, sid: str, method: str, path: str, body: Any = None, query: str = "") -> Any:
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{sid}{path}" + (f"?{query}" if query else "")
    status, _, content = double.handle(method, url, {}, json.dumps(body).encode() if body is not None else None)
    assert status == 200, content
    return json.loads(content)


def _dropdown_column(sheet_id: int, column: int) -> dict[str, Any]:
    rng = {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 1000, "startColumnIndex": column,
           "endColumnIndex": column + 1}
    return {"setDataValidation": {"range": rng, "rule": RULE}}


def test_a_read_renders_only_the_cells_a_mask_keeps_something_of(monkeypatch: pytest.MonkeyPatch) -> None:
    double, sid, sheet_id = _double()
    _call(double, sid, "POST", ":batchUpdate", {"requests": [_dropdown_column(sheet_id, 4)]})
    calls = []
    real = sheets_read.cell_out
    monkeypatch.setattr(sheets_read, "cell_out", lambda *a, **k: calls.append(1) or real(*a, **k))
    mask = "sheets.data.rowData.values.effectiveValue"
    answer = _call(double, sid, "GET", "", None, f"includeGridData=true&fields={mask}")
    assert len(calls) == 9  # the values; not the 999 dropdown cells, not the empty cells
    rows = answer["sheets"][0]["data"][0]["rowData"]
    # A row holding only a rule still has its entry, up to that cell (as Google's): 1,000 rows, not trimmed.
    assert len(rows) == 1000
    assert rows[1] == {"values": [{"effectiveValue": {"numberValue": 1}}, {"effectiveValue": {"numberValue": 2}},
                                  {"effectiveValue": {"numberValue": 3}}, {}, {}]}
    assert rows[999] == {"values": [{}, {}, {}, {}, {}]}


def test_a_read_of_a_mostly_empty_tab_looks_at_no_empty_row(monkeypatch: pytest.MonkeyPatch) -> None:
    double, sid, _ = _double()
    calls = []
    real = sheets_read.shows
    monkeypatch.setattr(sheets_read, "shows", lambda cell: calls.append(1) or real(cell))
    answer = _call(double, sid, "GET", "", None, "includeGridData=true")
    assert len(answer["sheets"][0]["data"][0]["rowData"]) == 3  # trailing empty rows trimmed
    assert len(calls) <= 9  # at most each stored cell once; none for the 997 empty rows
    values = _call(double, sid, "GET", "/values/Tab")
    assert values["values"] == [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"]]


def test_a_repeat_cell_over_a_column_computes_each_distinct_cell_once(monkeypatch: pytest.MonkeyPatch) -> None:
    double, sid, sheet_id = _double()
    calls = []
    real = batch_common.apply_cell
    monkeypatch.setattr(batch_common, "apply_cell", lambda *a, **k: calls.append(1) or real(*a, **k))
    rng = {"sheetId": sheet_id, "startRowIndex": 3, "endRowIndex": 1000, "startColumnIndex": 0, "endColumnIndex": 2}
    fmt = {"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}, "backgroundColor": {"red": 1}}
    request = {"repeatCell": {"range": rng, "cell": {"userEnteredFormat": fmt},
                              "fields": "userEnteredFormat(numberFormat,backgroundColor)"}}
    _call(double, sid, "POST", ":batchUpdate", {"requests": [request]})
    assert len(calls) == 1  # 1,994 empty cells: one computation, one stored cell shared by all
    sheet = double.spreadsheets[sid].ordered()[0]
    assert sheet.get(3, 0) is sheet.get(999, 1)
    assert sheet.get(3, 0) == {"userEnteredFormat": {**fmt, "backgroundColorStyle": {"rgbColor": {"red": 1}}}}
    rows_before = list(sheet.cells)
    _call(double, sid, "POST", ":batchUpdate", {"requests": [request]})  # the same again: nothing to write
    sheet = double.spreadsheets[sid].ordered()[0]
    assert all(a is b for a, b in zip(rows_before, sheet.cells, strict=True))  # no row was copied


def test_a_field_mask_is_parsed_once_and_cannot_be_changed() -> None:
    text = "sheets(properties(title),data(rowData(values(effectiveValue))))"
    tree = fields.parse(text)
    assert fields.parse(text) is tree
    with pytest.raises(TypeError):
        tree["sheets"] = None
    with pytest.raises(TypeError):
        fields.EMPTY["x"] = 1
    assert fields.update_paths("userEnteredFormat(numberFormat,textFormat.bold)") == (
        ("userEnteredFormat", "numberFormat"), ("userEnteredFormat", "textFormat", "bold"))


def test_a_write_copies_only_the_rows_it_changes() -> None:
    double, sid, _ = _double()
    before = double.spreadsheets[sid].ordered()[0]
    rows_before = list(before.cells)
    _call(double, sid, "PUT", "/values/Tab!B2", {"values": [["x"]]}, "valueInputOption=RAW")
    after = double.spreadsheets[sid].ordered()[0]
    assert after is not before
    changed = [r for r, (a, b) in enumerate(zip(rows_before, after.cells, strict=True)) if a is not b]
    assert changed == [1]
    assert before.get(1, 1) == {"userEnteredValue": {"numberValue": 2}}  # the state before the write is untouched
    assert after.get(1, 1) == {"userEnteredValue": {"stringValue": "x"}}
