"""The double checks requests as Google does (discovery documents) and compresses answers as Google does."""

from __future__ import annotations

import pytest
from gspread.exceptions import APIError

from googledouble import GoogleDouble
from googledouble.discovery import request_problems


def _batch(double: GoogleDouble, sid: str, requests: list[dict[str, object]]) -> None:
    double.service("sheets", "v4").spreadsheets().batchUpdate(spreadsheetId=sid, body={"requests": requests}).execute()


@pytest.fixture
def made() -> tuple[GoogleDouble, str, int]:
    double = GoogleDouble()
    sheet = double.gspread_client().create("Uji")
    return double, sheet.id, sheet.sheet1.id


def test_sheets_refuses_an_unknown_name_an_enum_a_mask_and_two_kinds(made: tuple[GoogleDouble, str, int]) -> None:
    double, sid, sheet_id = made
    whole = {"sheetId": sheet_id}
    bad = [
        [{"repeatCell": {"range": whole, "cell": {"userEnteredFormat": {"wrap": "WRAP"}},
                         "fields": "userEnteredFormat.wrap"}}],
        [{"repeatCell": {"range": whole, "cell": {"userEnteredFormat": {"wrapStrategy": "FOLD"}},
                         "fields": "userEnteredFormat.wrapStrategy"}}],
        [{"updateSheetProperties": {"properties": {"sheetId": sheet_id, "title": "x"}, "fields": "titel"}}],
        [{"updateSheetProperties": {"properties": {"sheetId": sheet_id, "title": "x"}}}],
        [{"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": 1},
          "deleteSheet": {"sheetId": sheet_id}}],
    ]
    for requests in bad:
        with pytest.raises(Exception, match="400") as refused:
            _batch(double, sid, requests)
        assert "Invalid JSON payload" in str(refused.value)
    assert len(double.invalid_requests) >= len(bad)  # a name unknown to the body is unknown to its mask too
    assert double.gspread_client().open_by_key(sid).sheet1.title != "x"  # nothing of a refused batch applied


def test_a_deprecated_field_is_accepted_and_noted(made: tuple[GoogleDouble, str, int]) -> None:
    double, sid, sheet_id = made
    _batch(double, sid, [{"repeatCell": {"range": {"sheetId": sheet_id},
                                         "cell": {"userEnteredFormat": {"backgroundColor": {"red": 1}}},
                                         "fields": "userEnteredFormat.backgroundColor"}}])
    assert double.deprecated_uses == [
        "sheets.spreadsheets.batchUpdate $.requests[0].repeatCell.cell.userEnteredFormat.backgroundColor"]
    assert not double.invalid_requests


def test_query_parameters_are_checked_and_gspread_s_booleans_pass() -> None:
    assert request_problems("sheets.spreadsheets.get", {"includeGridData": ["True"]}, None) == ([], [])
    problems, _ = request_problems("sheets.spreadsheets.values.get",
                                   {"valueRenderOption": ["PLAIN"], "nope": ["1"]}, None)
    assert any("valueRenderOption" in p for p in problems) and any("'nope'" in p for p in problems)
    problems, _ = request_problems("sheets.spreadsheets.get", {"fields": ["sheets(properties(titel))"]}, None)
    assert problems == ["fields.sheets.properties: the field mask names 'titel', which SheetProperties does not have"]


def test_answers_are_compressed_only_for_a_client_that_asks_in_both_headers(
        made: tuple[GoogleDouble, str, int]) -> None:
    double, sid, _ = made
    client = double.gspread_client()
    sheet = client.open_by_key(sid).sheet1
    sheet.update([["Laporan kekerasan terhadap anak di Singkawang"] * 10] * 100, "A1")
    plain = sheet.get_all_values()
    size = double.log[-1].response_bytes
    client.http_client.session.headers["User-Agent"] = "sapa-sync (gzip)"  # requests sends Accept-Encoding
    assert sheet.get_all_values() == plain
    assert double.log[-1].response_bytes * 10 < size
    drive = double.service("drive", "v3")  # google-api-python-client asks in both headers by itself
    assert drive.files().get(fileId=sid, fields="id,name").execute()["name"] == "Uji"


def test_drive_accepts_names_it_does_not_know_as_gspread_relies_on(made: tuple[GoogleDouble, str, int]) -> None:
    double, sid, _ = made
    client = double.gspread_client()
    try:
        client.insert_permission(sid, "staf@example.org", perm_type="user", role="writer", notify=False)
    except APIError as err:  # pragma: no cover - the double refusing would fail here
        raise AssertionError(err) from None
    assert any("withLink" in p or "value" in p for p in double.invalid_requests)  # noted, not refused
