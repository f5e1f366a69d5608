"""The Google API double, driven end to end by the real gspread and google-api-python-client."""

from __future__ import annotations

import datetime as dt
import io
import socket
import time
import weakref
from typing import Any

import docx
import gspread
import pytest
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload
from hypothesis import given, settings
from hypothesis import strategies as st

from googledouble import GoogleDouble, SimulatedCrash
from googledouble.a1 import col_index, col_letter

TAB = "Respons Formulir 1"
HEADER = ["Timestamp", "Nama", "Nomor HP", "Isi pengaduan"]
DOC_MIME = "application/vnd.google-apps.document"


@pytest.fixture
def double() -> GoogleDouble:
    return GoogleDouble(clock=lambda: dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC))


@pytest.fixture
def book(double: GoogleDouble) -> str:
    return double.create_spreadsheet(
        "SAPA",
        {
            TAB: [
                HEADER,
                [dt.datetime(2026, 11, 20, 9, 30), "Ani", "081234567890", "Jalan rusak"],
                [dt.datetime(2026, 11, 21, 10, 0), "Budi", "082233445566", "Lampu mati"],
                [dt.datetime(2026, 11, 22, 11, 15), "Citra", "083344556677", "Sampah"],
            ]
        },
        locale="id_ID",
        time_zone="Asia/Jakarta",
    )


_SPREADSHEETS: weakref.WeakKeyDictionary[GoogleDouble, Any] = weakref.WeakKeyDictionary()


def sheets_api(double: GoogleDouble) -> Any:
    """``spreadsheets()`` of the Sheets service, built once per double (building it is slow)."""
    if double not in _SPREADSHEETS:
        _SPREADSHEETS[double] = double.service("sheets", "v4").spreadsheets()
    return _SPREADSHEETS[double]


def sheet_id(double: GoogleDouble, spreadsheet_id: str, title: str = TAB) -> int:
    sheet = double.spreadsheets[spreadsheet_id].by_title(title)
    assert sheet is not None
    return sheet.sheet_id


# ----------------------------------------------------------------- reading


def test_gspread_opens_a_spreadsheet_and_reads_typed_values(double: GoogleDouble, book: str) -> None:
    sh = double.gspread_client().open_by_key(book)
    assert [ws.title for ws in sh.worksheets()] == [TAB]
    ws = sh.worksheet(TAB)
    assert ws.get_all_values()[1] == ["20/11/2026 09:30:00", "Ani", "081234567890", "Jalan rusak"]
    ranges = sh.values_batch_get([f"'{TAB}'!A2:C2"], params={"valueRenderOption": "UNFORMATTED_VALUE"})
    timestamp, name, phone = ranges["valueRanges"][0]["values"][0]
    assert timestamp == pytest.approx(46346.395833, abs=1e-6)
    assert (name, phone) == ("Ani", "081234567890")


def test_reads_are_counted_by_api_method(double: GoogleDouble, book: str) -> None:
    sh = double.gspread_client().open_by_key(book)
    double.reset_counts()
    sh.worksheet(TAB).get_all_values()
    sh.values_batch_get([f"'{TAB}'!A1:D1", f"'{TAB}'!A2:D2"])
    assert double.counts == {
        "sheets.spreadsheets.get": 1,
        "sheets.spreadsheets.values.get": 1,
        "sheets.spreadsheets.values.batchGet": 1,
    }
    assert [entry.method_id for entry in double.log] == list(double.counts)


def test_an_authorized_session_carries_the_token_to_the_double(double: GoogleDouble, book: str) -> None:
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2.credentials import Credentials

    credentials = Credentials(token="token-uji")  # type: ignore[no-untyped-call]
    session = double.requests_session(AuthorizedSession(credentials))
    seen: list[str | None] = []
    double.on_request(lambda _d, _method_id, request: seen.append(request.header("Authorization")))
    client = gspread.Client(auth=credentials, session=session)
    assert client.open_by_key(book).title == "SAPA"
    assert seen == ["Bearer token-uji"]


def test_the_log_keeps_each_request_and_answer(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    double.reset_counts()
    ws.update([["x"]], "E2", value_input_option="RAW")
    (entry,) = double.log
    assert entry.method_id == "sheets.spreadsheets.values.update"
    assert (entry.http_method, entry.status) == ("PUT", 200)
    assert "valueInputOption=RAW" in entry.url
    assert entry.request["values"] == [["x"]]
    assert entry.response["updatedRange"] == f"'{TAB}'!E2"


def test_a_missing_spreadsheet_is_not_found(double: GoogleDouble) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        double.gspread_client().open_by_key("1" + "x" * 43)


def test_fields_mask_keeps_only_the_fields_asked_for(double: GoogleDouble, book: str) -> None:
    answer = (
        sheets_api(double)
        .get(
            spreadsheetId=book,
            ranges=[f"'{TAB}'!B1:C2"],
            fields="sheets(properties(sheetId,title),data(rowData(values(userEnteredValue,effectiveValue))))",
        )
        .execute()
    )
    assert answer == {
        "sheets": [
            {
                "properties": {"sheetId": 0, "title": TAB},
                "data": [
                    {
                        "rowData": [
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"stringValue": "Nama"},
                                        "effectiveValue": {"stringValue": "Nama"},
                                    },
                                    {
                                        "userEnteredValue": {"stringValue": "Nomor HP"},
                                        "effectiveValue": {"stringValue": "Nomor HP"},
                                    },
                                ]
                            },
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"stringValue": "Ani"},
                                        "effectiveValue": {"stringValue": "Ani"},
                                    },
                                    {
                                        "userEnteredValue": {"stringValue": "081234567890"},
                                        "effectiveValue": {"stringValue": "081234567890"},
                                    },
                                ]
                            },
                        ]
                    }
                ],
            }
        ]
    }


def test_value_render_options(double: GoogleDouble) -> None:
    sid = double.create_spreadsheet(
        "Render", {"Sheet1": [["=2/4", "2026-11-28", "1.234,5"]]}, locale="id_ID", user_entered=True
    )
    values = sheets_api(double).values()
    formatted = values.get(spreadsheetId=sid, range="Sheet1!A1:C1").execute()["values"]
    unformatted = values.get(spreadsheetId=sid, range="Sheet1!A1:C1", valueRenderOption="UNFORMATTED_VALUE").execute()
    formula = values.get(spreadsheetId=sid, range="Sheet1!A1:C1", valueRenderOption="FORMULA").execute()
    as_text = values.get(
        spreadsheetId=sid,
        range="Sheet1!A1:C1",
        valueRenderOption="UNFORMATTED_VALUE",
        dateTimeRenderOption="FORMATTED_STRING",
    ).execute()
    assert formatted == [["0,5", "2026-11-28", "1.234,50"]]
    assert unformatted["values"] == [[0.5, 46354, 1234.5]]
    assert formula["values"] == [["=2/4", 46354, 1234.5]]
    assert as_text["values"] == [[0.5, "2026-11-28", 1234.5]]
    columns = values.get(spreadsheetId=sid, range="Sheet1!A1:B1", majorDimension="COLUMNS").execute()
    assert columns["values"] == [["0,5"], ["2026-11-28"]]


# ----------------------------------------------------------------- writing


def test_raw_stores_text_and_user_entered_parses_it(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    typed = ['=IMPORTXML("https://x.example";"//a")', "0812", "12%"]  # `;`: the book is id_ID
    ws.update([typed], "B5", value_input_option="RAW")
    ws.update([typed], "B6", value_input_option="USER_ENTERED")
    raw = [double.cell(book, TAB, a1) for a1 in ("B5", "C5", "D5")]
    parsed = [double.cell(book, TAB, a1) for a1 in ("B6", "C6", "D6")]
    assert [c.is_formula for c in raw] == [False, False, False]
    assert [c.value for c in raw] == typed
    assert parsed[0].is_formula and parsed[0].formula == typed[0]
    assert parsed[0].formatted == "#NAME?"
    assert parsed[1].value == 812 and parsed[1].formatted == "812"
    assert parsed[2].value == 0.12 and parsed[2].formatted == "12%"


def test_staff_typing_is_parsed_like_user_entered(double: GoogleDouble, book: str) -> None:
    double.staff_type(book, TAB, "E2", "=SUM(1;2)")  # the book is id_ID: `,` is its decimal comma
    double.staff_type(book, TAB, "F2", "42")
    double.staff_type(book, TAB, "G2", "'42")
    assert double.cell(book, TAB, "E2").is_formula
    assert double.cell(book, TAB, "E2").value == 3
    assert double.cell(book, TAB, "F2").value == 42
    assert double.cell(book, TAB, "G2").value == "42"


def test_append_rows_after_the_table(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    answer = ws.append_rows([["x", "Dewi", "0811", "Banjir"]], value_input_option="RAW")
    assert answer["tableRange"] == f"'{TAB}'!A1:D4"
    assert answer["updates"]["updatedRange"] == f"'{TAB}'!A5:D5"
    assert double.get_values(book, TAB)[4] == ["x", "Dewi", "0811", "Banjir"]


def test_append_finds_the_table_beyond_the_search_range(double: GoogleDouble, book: str) -> None:
    values = sheets_api(double).values()
    answer = values.append(
        spreadsheetId=book, range=f"'{TAB}'!A1:D1", valueInputOption="RAW", body={"values": [["x", "Eka"]]}
    ).execute()
    assert answer["tableRange"] == f"'{TAB}'!A1:D4"
    assert answer["updates"]["updatedRange"] == f"'{TAB}'!A5:B5"


def test_append_after_a_gap_in_the_header_shifts_columns_as_google_does(double: GoogleDouble) -> None:
    sid = double.create_spreadsheet("Gap", {"Sheet1": [["a", "", "c"]]})
    values = sheets_api(double).values()
    shifted = values.append(spreadsheetId=sid, range="Sheet1", valueInputOption="RAW", body={"values": [["1"]]})
    assert shifted.execute()["updates"]["updatedRange"] == "Sheet1!C2"
    anchored = values.append(spreadsheetId=sid, range="Sheet1!A1", valueInputOption="RAW", body={"values": [["2"]]})
    assert anchored.execute()["updates"]["updatedRange"] == "Sheet1!A2"


def test_writing_past_the_grid_is_refused(double: GoogleDouble) -> None:
    sid = double.create_spreadsheet("Small", {"Sheet1": [["a"]]}, rows=3, cols=2)
    ws = double.gspread_client().open_by_key(sid).sheet1
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["x", "y", "z"]], "A1", value_input_option="RAW")
    assert err.value.code == 400
    assert err.value.error["message"] == "Range (Sheet1!A1:C1) exceeds grid limits. Max rows: 3, max columns: 2"
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["x"], ["y"]], "A1:A1", value_input_option="RAW")
    assert "Requested writing within range" in err.value.error["message"]


def test_cells_hold_at_most_50000_characters(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["x" * 50_001]], "D2", value_input_option="RAW")
    assert err.value.code == 400
    assert "maximum of 50000 characters in a single cell" in err.value.error["message"]
    ws.update([["x" * 50_000]], "D2", value_input_option="RAW")
    assert len(double.cell(book, TAB, "D2").value) == 50_000


def test_a_spreadsheet_holds_at_most_ten_million_cells(double: GoogleDouble, book: str) -> None:
    sh = double.gspread_client().open_by_key(book)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.add_worksheet("Besar", rows=400_000, cols=26)
    assert "above the limit of 10000000 cells" in err.value.error["message"]
    assert double.sheet_titles(book) == [TAB]


def test_batch_update_is_all_or_nothing(double: GoogleDouble, book: str) -> None:
    sh = double.gspread_client().open_by_key(book)
    before = double.get_values(book, TAB)
    body = {
        "requests": [
            {
                "updateCells": {
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "diubah"}}]}],
                    "fields": "userEnteredValue",
                    "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 1},
                }
            },
            {"addSheet": {"properties": {"title": "Kasus"}}},
            {"updateSheetProperties": {"properties": {"sheetId": 999, "title": "x"}, "fields": "title"}},
        ]
    }
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.batch_update(body)
    assert err.value.code == 400
    assert err.value.error == {
        "code": 400,
        "message": "Invalid requests[2].updateSheetProperties: No grid with id: 999",
        "status": "INVALID_ARGUMENT",
    }
    assert double.get_values(book, TAB) == before
    assert double.sheet_titles(book) == [TAB]
    replies = sh.batch_update({"requests": body["requests"][:2]})["replies"]
    assert replies[0] == {} and replies[1]["addSheet"]["properties"]["title"] == "Kasus"
    assert double.cell(book, TAB, "B2").value == "diubah"


def test_deleting_every_row_below_a_frozen_header_is_refused(double: GoogleDouble, book: str) -> None:
    api = sheets_api(double)
    api.batchUpdate(
        spreadsheetId=book,
        body={
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                        "fields": "gridProperties.frozenRowCount",
                    }
                }
            ]
        },
    ).execute()
    with pytest.raises(HttpError) as err:
        api.batchUpdate(
            spreadsheetId=book,
            body={
                "requests": [
                    {
                        "deleteDimension": {
                            "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 1000}
                        }
                    }
                ]
            },
        ).execute()
    assert err.value.status_code == 400
    assert err.value.reason == (
        "Invalid requests[0].deleteDimension: Sorry, it is not possible to delete all non-frozen rows."
    )
    api.batchUpdate(
        spreadsheetId=book,
        body={
            "requests": [
                {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 999}}}
            ]
        },
    ).execute()
    assert double.get_values(book, TAB) == [HEADER]


def test_batch_update_replies_in_order_and_can_include_the_spreadsheet(double: GoogleDouble, book: str) -> None:
    answer = (
        sheets_api(double)
        .batchUpdate(
            spreadsheetId=book,
            body={
                "requests": [
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                            "fields": "gridProperties.frozenRowCount",
                        }
                    },
                    {
                        "addSheet": {
                            "properties": {"title": "Kasus", "gridProperties": {"rowCount": 10, "columnCount": 5}}
                        }
                    },
                    {"autoResizeDimensions": {"dimensions": {"sheetId": 0, "dimension": "COLUMNS"}}},
                ],
                "includeSpreadsheetInResponse": True,
            },
        )
        .execute()
    )
    assert answer["replies"][0] == {} and answer["replies"][2] == {}
    added = answer["replies"][1]["addSheet"]["properties"]
    assert added["title"] == "Kasus" and added["index"] == 1
    assert added["gridProperties"] == {"rowCount": 10, "columnCount": 5}
    sheets = answer["updatedSpreadsheet"]["sheets"]
    assert sheets[0]["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert [s["properties"]["title"] for s in sheets] == [TAB, "Kasus"]


def test_protection_validation_and_conditional_formats_are_kept(double: GoogleDouble, book: str) -> None:
    api = sheets_api(double)
    replies = api.batchUpdate(
        spreadsheetId=book,
        body={
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                            "description": "Kepala",
                            "warningOnly": True,
                        }
                    }
                },
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 1,
                            "endRowIndex": 4,
                            "startColumnIndex": 3,
                            "endColumnIndex": 4,
                        },
                        "rule": {
                            "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Baru"}]},
                            "strict": True,
                        },
                    }
                },
                {
                    "addConditionalFormatRule": {
                        "rule": {
                            "ranges": [{"sheetId": 0, "startColumnIndex": 3, "endColumnIndex": 4}],
                            "booleanRule": {
                                "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "Baru"}]},
                                "format": {"backgroundColor": {"red": 1}},
                            },
                        },
                        "index": 0,
                    }
                },
            ]
        },
    ).execute()["replies"]
    protected = replies[0]["addProtectedRange"]["protectedRange"]
    assert protected["description"] == "Kepala" and protected["warningOnly"] is True
    sheet = api.get(spreadsheetId=book, ranges=[f"'{TAB}'!D2"], includeGridData=True).execute()["sheets"][0]
    assert sheet["protectedRanges"][0]["protectedRangeId"] == protected["protectedRangeId"]
    assert sheet["protectedRanges"][0]["editors"] == {"users": [double.user_email]}
    assert sheet["conditionalFormats"][0]["ranges"] == [{"startColumnIndex": 3, "endColumnIndex": 4}]
    cell = sheet["data"][0]["rowData"][0]["values"][0]
    assert cell["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    api.batchUpdate(
        spreadsheetId=book,
        body={"requests": [{"deleteProtectedRange": {"protectedRangeId": protected["protectedRangeId"]}}]},
    ).execute()
    assert "protectedRanges" not in api.get(spreadsheetId=book).execute()["sheets"][0]


# ------------------------------------------------------- developer metadata


def tag_row(double: GoogleDouble, book: str, row: int, case_id: str) -> int:
    """Attach ``sapa.case=<case_id>`` to a 1-based row through the API; returns the metadata id."""
    reply = (
        sheets_api(double)
        .batchUpdate(
            spreadsheetId=book,
            body={
                "requests": [
                    {
                        "createDeveloperMetadata": {
                            "developerMetadata": {
                                "metadataKey": "sapa.case",
                                "metadataValue": case_id,
                                "location": {
                                    "dimensionRange": {
                                        "sheetId": 0,
                                        "dimension": "ROWS",
                                        "startIndex": row - 1,
                                        "endIndex": row,
                                    }
                                },
                                "visibility": "DOCUMENT",
                            }
                        }
                    }
                ]
            },
        )
        .execute()
    )
    meta = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert meta["location"] == {
        "locationType": "ROW",
        "dimensionRange": {"dimension": "ROWS", "startIndex": row - 1, "endIndex": row},
    }
    return int(meta["metadataId"])


def write_by_case(double: GoogleDouble, book: str, case_id: str, values: list[Any]) -> dict[str, Any]:
    return (
        sheets_api(double)
        .values()
        .batchUpdateByDataFilter(
            spreadsheetId=book,
            body={
                "valueInputOption": "RAW",
                "data": [
                    {
                        "dataFilter": {
                            "developerMetadataLookup": {"metadataKey": "sapa.case", "metadataValue": case_id}
                        },
                        "values": [values],
                    }
                ],
            },
        )
        .execute()
    )


def test_row_metadata_moves_when_staff_sort_and_writes_land_in_the_moved_row(double: GoogleDouble, book: str) -> None:
    tag_row(double, book, 2, "K-001")  # Ani
    double.staff_sort(book, TAB, "B", descending=True)  # Citra, Budi, Ani
    assert double.get_values(book, TAB)[3][1] == "Ani"
    assert double.row_metadata(book, TAB) == {4: [("sapa.case", "K-001")]}
    answer = write_by_case(double, book, "K-001", ["2026", "Ani", "081234567890", "Selesai"])
    assert answer["responses"][0]["updatedRange"] == f"'{TAB}'!A4:D4"
    assert double.get_values(book, TAB)[3][3] == "Selesai"


def test_row_metadata_follows_inserted_and_deleted_rows(double: GoogleDouble, book: str) -> None:
    meta_id = tag_row(double, book, 3, "K-002")  # Budi
    double.staff_insert_rows(book, TAB, 2, count=2)
    assert double.row_metadata(book, TAB) == {5: [("sapa.case", "K-002")]}
    found = sheets_api(double).developerMetadata().get(spreadsheetId=book, metadataId=meta_id).execute()
    assert found["location"]["dimensionRange"]["startIndex"] == 4
    double.staff_delete_rows(book, TAB, 5)
    assert double.row_metadata(book, TAB) == {}
    with pytest.raises(HttpError) as err:
        sheets_api(double).developerMetadata().get(spreadsheetId=book, metadataId=meta_id).execute()
    assert err.value.status_code == 404
    assert "responses" not in write_by_case(double, book, "K-002", ["x"])


def test_metadata_search_and_grid_data_show_where_a_row_is_now(double: GoogleDouble, book: str) -> None:
    tag_row(double, book, 2, "K-001")
    tag_row(double, book, 4, "K-003")
    double.staff_sort(book, TAB, 1)  # by name ascending: unchanged order
    double.staff_sort(book, TAB, 1, descending=True)
    api = sheets_api(double)
    found = (
        api.developerMetadata()
        .search(spreadsheetId=book, body={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "sapa.case"}}]})
        .execute()["matchedDeveloperMetadata"]
    )
    rows = {
        m["developerMetadata"]["metadataValue"]: m["developerMetadata"]["location"]["dimensionRange"]["startIndex"]
        for m in found
    }
    assert rows == {"K-001": 3, "K-003": 1}
    grid = api.getByDataFilter(
        spreadsheetId=book,
        body={
            "dataFilters": [{"developerMetadataLookup": {"metadataValue": "K-003"}}],
            "includeGridData": True,
        },
    ).execute()["sheets"][0]["data"][0]
    assert grid["startRow"] == 1
    assert grid["rowData"][0]["values"][1]["formattedValue"] == "Citra"
    assert grid["rowMetadata"][0]["developerMetadata"][0]["metadataValue"] == "K-003"
    got = (
        api.values()
        .batchGetByDataFilter(
            spreadsheetId=book, body={"dataFilters": [{"developerMetadataLookup": {"metadataValue": "K-001"}}]}
        )
        .execute()
    )
    assert got["valueRanges"][0]["valueRange"]["values"][0][1] == "Ani"


def test_metadata_can_be_updated_and_deleted(double: GoogleDouble, book: str) -> None:
    tag_row(double, book, 2, "K-001")
    lookup = {"developerMetadataLookup": {"metadataKey": "sapa.case", "metadataValue": "K-001"}}
    api = sheets_api(double)
    replies = api.batchUpdate(
        spreadsheetId=book,
        body={
            "requests": [
                {
                    "updateDeveloperMetadata": {
                        "dataFilters": [lookup],
                        "developerMetadata": {"metadataValue": "K-009"},
                        "fields": "metadataValue",
                    }
                },
                {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataValue": "K-009"}}}},
            ]
        },
    ).execute()["replies"]
    assert replies[0]["updateDeveloperMetadata"]["developerMetadata"][0]["metadataValue"] == "K-009"
    assert replies[1]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"][0]["metadataValue"] == "K-009"
    assert double.row_metadata(book, TAB) == {}


def test_metadata_must_sit_on_a_single_row(double: GoogleDouble, book: str) -> None:
    with pytest.raises(HttpError) as err:
        sheets_api(double).batchUpdate(
            spreadsheetId=book,
            body={
                "requests": [
                    {
                        "createDeveloperMetadata": {
                            "developerMetadata": {
                                "metadataKey": "k",
                                "visibility": "DOCUMENT",
                                "location": {
                                    "dimensionRange": {
                                        "sheetId": 0,
                                        "dimension": "ROWS",
                                        "startIndex": 1,
                                        "endIndex": 3,
                                    }
                                },
                            }
                        }
                    }
                ]
            },
        ).execute()
    assert err.value.status_code == 400


def test_insert_rows_append_pushes_rows_below_the_table_down(double: GoogleDouble, book: str) -> None:
    double.staff_type(book, TAB, "A6", "catatan di bawah tabel")
    tag_row(double, book, 6, "K-009")
    answer = (
        sheets_api(double)
        .values()
        .append(
            spreadsheetId=book,
            range=f"'{TAB}'!A1:D1",
            valueInputOption="RAW",
            insertDataOption="INSERT_ROWS",
            body={"values": [["baru"]]},
        )
        .execute()
    )
    assert answer["updates"]["updatedRange"] == f"'{TAB}'!A5"
    assert double.row_metadata(book, TAB) == {7: [("sapa.case", "K-009")]}
    assert double.get_values(book, TAB)[6] == ["catatan di bawah tabel"]


def test_on_request_hook_lets_staff_edit_between_requests(double: GoogleDouble, book: str) -> None:
    tag_row(double, book, 2, "K-001")

    def staff_sorts_before_the_write(d: GoogleDouble, method_id: str, _request: object) -> None:
        if method_id == "sheets.spreadsheets.values.batchUpdateByDataFilter":
            d.staff_sort(book, TAB, "B", descending=True)

    double.on_request(staff_sorts_before_the_write)
    answer = write_by_case(double, book, "K-001", [None, None, None, "Diproses"])
    assert answer["responses"][0]["updatedRange"] == f"'{TAB}'!A4:D4"
    assert double.get_values(book, TAB)[3][1:] == ["Ani", "081234567890", "Diproses"]


# ----------------------------------------------------------- staff structure


def test_staff_rename_delete_and_move(double: GoogleDouble, book: str) -> None:
    double.staff_add_sheet(book, "Kasus", [["ID", "Status"], ["K-1", "Baru"]])
    double.staff_move_column(book, "Kasus", "A", 1)
    assert double.get_values(book, "Kasus") == [["Status", "ID"], ["Baru", "K-1"]]
    double.staff_rename_sheet(book, "Kasus", "Kasus Lama")
    sh = double.gspread_client().open_by_key(book)
    with pytest.raises(gspread.exceptions.WorksheetNotFound):
        sh.worksheet("Kasus")
    double.staff_delete_sheet(book, "Kasus Lama")
    assert double.sheet_titles(book) == [TAB]


def test_form_submit_appends_a_timestamped_row(double: GoogleDouble, book: str) -> None:
    row = double.form_submit(book, ["Dewi", "0815", "Banjir"], timestamp=dt.datetime(2026, 11, 28, 8, 5))
    assert row == 5
    assert double.get_values(book, TAB, "FORMATTED_VALUE")[4] == ["28/11/2026 08:05:00", "Dewi", "0815", "Banjir"]


# ----------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("status", "google_status"), [(429, "RESOURCE_EXHAUSTED"), (500, "INTERNAL"), (503, "UNAVAILABLE")]
)
def test_injected_errors_reach_gspread_as_api_errors(
    double: GoogleDouble, book: str, status: int, google_status: str
) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    double.fail_next("sheets.spreadsheets.values.get", status=status)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.get_all_values()
    assert err.value.code == status
    assert err.value.error["status"] == google_status
    assert ws.get_all_values()[1][1] == "Ani"


def test_quota_error_carries_googles_error_info(double: GoogleDouble, book: str) -> None:
    double.fail_next(status=429)
    with pytest.raises(HttpError) as err:
        sheets_api(double).values().get(spreadsheetId=book, range="A1").execute()
    assert err.value.status_code == 429
    details = err.value.error_details
    assert details[0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert details[0]["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"


def test_drive_rate_limit_uses_the_classic_envelope(double: GoogleDouble) -> None:
    double.fail_next("drive.files.list", status=403)
    with pytest.raises(HttpError) as err:
        double.service("drive", "v3").files().list().execute()
    assert err.value.status_code == 403
    assert err.value.error_details[0]["reason"] == "userRateLimitExceeded"
    assert err.value.error_details[0]["domain"] == "usageLimits"


def test_failed_writes_are_not_applied_unless_asked(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    double.fail_next("sheets.spreadsheets.values.update", status=503)
    with pytest.raises(gspread.exceptions.APIError):
        ws.update([["lost"]], "E2", value_input_option="RAW")
    assert double.cell(book, TAB, "E2").is_empty
    double.fail_next("sheets.spreadsheets.values.update", status=503, applied=True)
    with pytest.raises(gspread.exceptions.APIError):
        ws.update([["applied"]], "E2", value_input_option="RAW")
    assert double.cell(book, TAB, "E2").value == "applied"


def test_fail_every_kth_request(double: GoogleDouble, book: str) -> None:
    api = sheets_api(double)
    double.fail_every(3, status=503)
    outcomes = []
    for _ in range(6):
        try:
            api.values().get(spreadsheetId=book, range="A1").execute(num_retries=0)
            outcomes.append("ok")
        except HttpError as err:
            outcomes.append(err.status_code)
    assert outcomes == ["ok", "ok", 503, "ok", "ok", 503]


def test_google_api_client_retries_through_server_errors(
    double: GoogleDouble, book: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "sleep", lambda _seconds: None)
    double.fail_next("sheets.spreadsheets.values.get", status=503, times=2)
    answer = sheets_api(double).values().get(spreadsheetId=book, range="A1").execute(num_retries=3)
    assert answer["values"] == [["Timestamp"]]
    assert double.counts["sheets.spreadsheets.values.get"] == 3


def test_timeouts_surface_as_each_clients_timeout(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    double.timeout_next("sheets.spreadsheets.values.get")
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.get_all_values()
    double.timeout_next("sheets.spreadsheets.values.get")
    with pytest.raises(socket.timeout):
        sheets_api(double).values().get(spreadsheetId=book, range="A1").execute(num_retries=0)


def test_a_timeout_after_apply_loses_only_the_answer(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    double.timeout_next("sheets.spreadsheets.values.append", applied=True)
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.append_rows([["x", "Eka"]], value_input_option="RAW")
    assert double.get_values(book, TAB)[4][:2] == ["x", "Eka"]


def test_crash_before_the_kth_request_applies_nothing(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    double.reset_counts()
    double.crash_after(2)
    ws.update([["satu"]], "E2", value_input_option="RAW")
    with pytest.raises(SimulatedCrash):
        ws.update([["dua"]], "E3", value_input_option="RAW")
    assert double.cell(book, TAB, "E2").value == "satu"
    assert double.cell(book, TAB, "E3").is_empty
    assert double.counts["sheets.spreadsheets.values.update"] == 2


def test_crash_after_applying(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    double.crash_after(1, applied=True)
    with pytest.raises(SimulatedCrash):
        ws.update([["dua"]], "E3", value_input_option="RAW")
    assert double.cell(book, TAB, "E3").value == "dua"


def test_simulated_crash_escapes_except_exception(double: GoogleDouble, book: str) -> None:
    ws = double.gspread_client().open_by_key(book).worksheet(TAB)
    double.crash_after(1)
    with pytest.raises(SimulatedCrash):
        try:
            ws.get_all_values()
        except Exception:
            pytest.fail("SimulatedCrash was caught by `except Exception`")


def test_rate_limit_answers_429_after_60_reads_a_minute(double: GoogleDouble, book: str) -> None:
    now = [0.0]
    double.rate_limit(per_minute=60, clock=lambda: now[0])
    api = sheets_api(double).values()
    for _ in range(60):
        api.get(spreadsheetId=book, range="A1").execute()
    with pytest.raises(HttpError) as err:
        api.get(spreadsheetId=book, range="A1").execute(num_retries=0)
    assert err.value.status_code == 429
    api.update(spreadsheetId=book, range="E1", valueInputOption="RAW", body={"values": [["w"]]}).execute()
    now[0] = 61.0
    api.get(spreadsheetId=book, range="A1").execute()


# ------------------------------------------------------------ Drive & Docs


def docx_template(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "Nomor: {{nomor}}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_upload_docx_converts_to_a_google_doc(double: GoogleDouble) -> None:
    drive = double.service("drive", "v3")
    media = MediaIoBaseUpload(
        io.BytesIO(docx_template("Kepada {{nama}}", "Perihal: {{perihal}}")),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    created = (
        drive.files()
        .create(body={"name": "Templat surat", "mimeType": DOC_MIME}, media_body=media, fields="id,name,mimeType")
        .execute()
    )
    assert created["mimeType"] == DOC_MIME and created["name"] == "Templat surat"
    text = double.document_text(created["id"])
    assert text == "Kepada {{nama}}\nPerihal: {{perihal}}\nNomor: {{nomor}}\n"


def test_resumable_upload(double: GoogleDouble) -> None:
    drive = double.service("drive", "v3")
    media = MediaIoBaseUpload(io.BytesIO(b"halo\ndunia\n"), mimetype="text/plain", resumable=True, chunksize=256 * 1024)
    created = drive.files().create(body={"name": "catatan", "mimeType": DOC_MIME}, media_body=media).execute()
    assert double.document_text(created["id"]) == "halo\ndunia\n"


def test_copy_and_replace_all_text_is_two_requests(double: GoogleDouble) -> None:
    shared = double.create_shared_drive("SAPA")
    folder = double.create_folder("Surat", shared)
    template = double.create_document("Templat", ["Kepada Yth. {{nama}}", "{{NAMA}} / {{nama}}"], parents=[folder])
    drive, docs = double.service("drive", "v3"), double.service("docs", "v1")
    double.reset_counts()
    copy = (
        drive.files()
        .copy(fileId=template, body={"name": "Surat K-001", "parents": [folder]}, supportsAllDrives=True)
        .execute()
    )
    answer = (
        docs.documents()
        .batchUpdate(
            documentId=copy["id"],
            body={
                "requests": [
                    {"replaceAllText": {"containsText": {"text": "{{nama}}", "matchCase": True}, "replaceText": "Ani"}},
                    {
                        "replaceAllText": {
                            "containsText": {"text": "{{tidak ada}}", "matchCase": True},
                            "replaceText": "x",
                        }
                    },
                ]
            },
        )
        .execute()
    )
    assert double.counts == {"drive.files.copy": 1, "docs.documents.batchUpdate": 1}
    assert answer["replies"] == [{"replaceAllText": {"occurrencesChanged": 2}}, {"replaceAllText": {}}]
    assert answer["documentId"] == copy["id"] and "requiredRevisionId" in answer["writeControl"]
    assert double.document_text(copy["id"]) == "Kepada Yth. Ani\n{{NAMA}} / Ani\n"
    assert double.document_text(template).startswith("Kepada Yth. {{nama}}")
    assert double.files[copy["id"]].drive_id == shared


def test_documents_get_reports_paragraphs_with_utf16_indices(double: GoogleDouble) -> None:
    doc_id = double.create_document("Surat", ["Halo 👋", "Dua"])
    content = double.service("docs", "v1").documents().get(documentId=doc_id).execute()["body"]["content"]
    assert content[0]["endIndex"] == 1 and "sectionBreak" in content[0]
    first, second = content[1], content[2]
    assert (first["startIndex"], first["endIndex"]) == (1, 9)
    assert first["paragraph"]["elements"][0]["textRun"]["content"] == "Halo 👋\n"
    assert (second["startIndex"], second["endIndex"]) == (9, 13)


def test_docs_insert_and_delete_text(double: GoogleDouble) -> None:
    doc_id = double.create_document("Surat", ["abc"])
    docs = double.service("docs", "v1").documents()
    docs.batchUpdate(
        documentId=doc_id,
        body={
            "requests": [
                {"insertText": {"location": {"index": 1}, "text": "X"}},
                {"deleteContentRange": {"range": {"startIndex": 2, "endIndex": 3}}},
            ]
        },
    ).execute()
    assert double.document_text(doc_id) == "Xbc\n"
    with pytest.raises(HttpError) as err:
        docs.batchUpdate(
            documentId=doc_id, body={"requests": [{"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 5}}}]}
        ).execute()
    assert err.value.status_code == 400
    assert double.document_text(doc_id) == "Xbc\n"


def test_docs_create_and_required_revision(double: GoogleDouble) -> None:
    docs = double.service("docs", "v1").documents()
    created = docs.create(body={"title": "Baru"}).execute()
    assert created["title"] == "Baru" and double.files[created["documentId"]].mime_type == DOC_MIME
    with pytest.raises(HttpError) as err:
        docs.batchUpdate(
            documentId=created["documentId"],
            body={
                "requests": [{"insertText": {"location": {"index": 1}, "text": "x"}}],
                "writeControl": {"requiredRevisionId": "stale"},
            },
        ).execute()
    assert err.value.status_code == 400


def test_export_pdf_and_text(double: GoogleDouble) -> None:
    doc_id = double.create_document("Surat", ["Kepada Ani"])
    files = double.service("drive", "v3").files()
    assert files.export(fileId=doc_id, mimeType="application/pdf").execute().startswith(b"%PDF")
    assert files.export(fileId=doc_id, mimeType="text/plain").execute() == b"Kepada Ani\n"


def test_shared_drive_files_need_supports_all_drives(double: GoogleDouble) -> None:
    shared = double.create_shared_drive("SAPA")
    doc_id = double.create_document("Templat", ["x"], parents=[shared], drive_id=shared)
    files = double.service("drive", "v3").files()
    with pytest.raises(HttpError) as err:
        files.get(fileId=doc_id).execute()
    assert err.value.status_code == 404
    assert files.get(fileId=doc_id, supportsAllDrives=True, fields="id,driveId").execute() == {
        "id": doc_id,
        "driveId": shared,
    }


def test_service_account_cannot_own_files_outside_a_shared_drive() -> None:
    double = GoogleDouble(service_account_without_storage=True)
    shared = double.create_shared_drive("SAPA")
    template = double.create_document("Templat", ["x"], parents=[shared], drive_id=shared)
    files = double.service("drive", "v3").files()
    with pytest.raises(HttpError) as err:
        files.copy(fileId=template, body={"name": "Salinan", "parents": ["root"]}, supportsAllDrives=True).execute()
    assert err.value.status_code == 403
    assert err.value.error_details[0]["reason"] == "storageQuotaExceeded"
    copy = files.copy(fileId=template, body={"name": "Salinan"}, supportsAllDrives=True).execute()
    assert double.files[copy["id"]].drive_id == shared


def test_drive_file_scope_hides_files_the_app_did_not_create() -> None:
    double = GoogleDouble(drive_file_scope=True)
    by_person = double.create_document("Templat orang", ["x"])
    files = double.service("drive", "v3").files()
    with pytest.raises(HttpError) as err:
        files.copy(fileId=by_person, body={}).execute()
    assert err.value.status_code == 404
    mine = files.create(body={"name": "Templat app", "mimeType": DOC_MIME}).execute()
    assert [f["id"] for f in files.list().execute()["files"]] == [mine["id"]]


def test_files_list_queries(double: GoogleDouble) -> None:
    folder = double.create_folder("Surat")
    first = double.create_document("Surat K-001", ["a"], parents=[folder])
    double.create_document("Surat K-002", ["b"])
    files = double.service("drive", "v3").files()
    files.update(fileId=first, addParents=folder, body={"name": "Surat K-001 (final)"}).execute()
    q = f"name = 'Surat K-001 (final)' and '{folder}' in parents and trashed = false and mimeType = '{DOC_MIME}'"
    assert [f["id"] for f in files.list(q=q).execute()["files"]] == [first]
    page = files.list(q=f"mimeType = '{DOC_MIME}'", pageSize=1, fields="nextPageToken,files(id)").execute()
    assert len(page["files"]) == 1 and "nextPageToken" in page
    files.delete(fileId=first).execute()
    assert files.list(q=q).execute()["files"] == []


def test_permissions_are_recorded(double: GoogleDouble) -> None:
    doc_id = double.create_document("Surat", ["x"])
    permissions = double.service("drive", "v3").permissions()
    created = permissions.create(
        fileId=doc_id,
        body={"type": "user", "role": "reader", "emailAddress": "staf@example.go.id"},
        sendNotificationEmail=False,
    ).execute()
    assert created["type"] == "user" and created["role"] == "reader"
    assert double.anyone_permissions() == []
    permissions.create(fileId=doc_id, body={"type": "anyone", "role": "reader"}).execute()
    assert [p["id"] for _, p in double.anyone_permissions()] == ["anyoneWithLink"]
    listed = permissions.list(fileId=doc_id).execute()["permissions"]
    assert {p["role"] for p in listed} == {"owner", "reader"}
    permissions.delete(fileId=doc_id, permissionId="anyoneWithLink").execute()
    assert all(p["type"] != "anyone" for p in double.permissions(doc_id))


def test_gspread_create_share_and_delete(double: GoogleDouble) -> None:
    gc = double.gspread_client()
    sh = gc.create("Baru")
    sh.share(None, perm_type="anyone", role="reader")
    assert [p["type"] for p in sh.list_permissions()] == ["user", "anyone"]
    assert gc.list_spreadsheet_files("Baru")[0]["id"] == sh.id
    gc.del_spreadsheet(sh.id)
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key(sh.id)


# ---------------------------------------------------------------- properties


SHARED = GoogleDouble()


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() == s and s != ""))
def test_raw_text_reads_back_unchanged(text: str) -> None:
    double = SHARED
    sid = double.create_spreadsheet("P", {"Sheet1": []}, rows=5, cols=5)
    api = sheets_api(double).values()
    api.update(spreadsheetId=sid, range="Sheet1!A1", valueInputOption="RAW", body={"values": [[text]]}).execute()
    for render in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
        answer = api.get(spreadsheetId=sid, range="Sheet1!A1", valueRenderOption=render).execute()
        assert answer["values"] == [[text]]
    assert not double.cell(sid, "Sheet1", "A1").is_formula


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_user_entered_integers_become_numbers(number: int) -> None:
    double = SHARED
    sid = double.create_spreadsheet("P", {"Sheet1": []}, rows=5, cols=5)
    api = sheets_api(double).values()
    api.update(
        spreadsheetId=sid, range="A1", valueInputOption="USER_ENTERED", body={"values": [[str(number)]]}
    ).execute()
    answer = api.get(spreadsheetId=sid, range="A1", valueRenderOption="UNFORMATTED_VALUE").execute()
    assert answer["values"] == [[number]]


@given(st.integers(min_value=0, max_value=18_277))
def test_column_letters_round_trip(index: int) -> None:
    assert col_index(col_letter(index)) == index


@pytest.mark.parametrize(("before", "source"), [(True, 1), (False, 2)])  # the row before, or the one pushed down
def test_inserted_rows_take_the_formats_and_dropdowns_of_a_neighbour_but_no_value(
    double: GoogleDouble, book: str, before: bool, source: int
) -> None:
    """InsertDimensionRequest: rows inherit from the row before (inheritFromBefore) or the row after."""
    sid = 0  # the only tab
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Ya"}]}, "showCustomUi": True}
    requests: list[dict[str, Any]] = [
        {"setDataValidation": {"range": {"sheetId": sid, "startRowIndex": source, "endRowIndex": source + 1,
                                         "startColumnIndex": 1, "endColumnIndex": 2}, "rule": rule}},
        {"repeatCell": {"range": {"sheetId": sid, "startRowIndex": source, "endRowIndex": source + 1,
                                  "startColumnIndex": 0, "endColumnIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
        {"insertDimension": {"range": {"sheetId": sid, "dimension": "ROWS", "startIndex": 2, "endIndex": 4},
                             "inheritFromBefore": before}},
    ]
    sheets_api(double).batchUpdate(spreadsheetId=book, body={"requests": requests}).execute()
    got = sheets_api(double).get(spreadsheetId=book, ranges=[f"'{TAB}'!A3:B4"], includeGridData=True,
                                 fields="sheets.data.rowData.values(userEnteredValue,userEnteredFormat,"
                                        "dataValidation)").execute()
    rows = got["sheets"][0]["data"][0]["rowData"]
    assert len(rows) == 2
    for row in rows:
        first, second = row["values"]
        assert "userEnteredValue" not in first and "userEnteredValue" not in second
        assert first["userEnteredFormat"]["textFormat"]["bold"] is True
        assert second["dataValidation"]["condition"]["values"] == [{"userEnteredValue": "Ya"}]
