"""Every answer of the double fits the response schema in Google's discovery documents.

google-api-python-client ships the discovery documents of Sheets v4, Drive v3 and
Docs v1; they describe each method's response. A small validator walks those
schemas (``$ref``, ``type``, ``format``, ``enum``, ``properties``, ``items``,
``additionalProperties``) and rejects unknown keys and wrongly typed values.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient
import pytest
from googleapiclient.http import MediaIoBaseUpload

from googledouble import IMPLEMENTED_METHOD_IDS, GoogleDouble

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
API_FILES = {"sheets": "sheets.v4.json", "drive": "drive.v3.json", "docs": "docs.v1.json"}
INT32 = (-(2**31), 2**31 - 1)


@cache
def discovery(api: str) -> dict[str, Any]:
    return json.loads((DOCUMENTS / API_FILES[api]).read_text(encoding="utf-8"))


def _methods(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {m["id"]: m for m in resource.get("methods", {}).values()}
    for sub in resource.get("resources", {}).values():
        found.update(_methods(sub))
    return found


def response_schema(method_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(schema, all schemas of the API) of a method's response; None when it has no JSON body."""
    api = method_id.split(".")[0]
    doc = discovery(api)
    method = _methods(doc)[method_id]
    ref = method.get("response", {}).get("$ref")
    if ref is None:
        return None
    return doc["schemas"][ref], doc["schemas"]


def validate(value: Any, schema: dict[str, Any], schemas: dict[str, Any], path: str = "$") -> list[str]:
    """Errors of ``value`` against a discovery schema (empty when it fits)."""
    if "$ref" in schema:
        return validate(value, schemas[schema["$ref"]], schemas, path)
    kind = schema.get("type")
    errors: list[str] = []
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                errors += validate(item, properties[key], schemas, f"{path}.{key}")
            elif extra is not None:
                errors += validate(item, extra, schemas, f"{path}[{key!r}]")
            else:
                errors.append(f"{path}: unknown key {key!r}")
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected an array, got {type(value).__name__}"]
        for i, item in enumerate(value):
            errors += validate(item, schema.get("items", {}), schemas, f"{path}[{i}]")
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {value!r}"]
        if schema.get("format") in ("int64", "uint64") and not value.lstrip("-").isdigit():
            errors.append(f"{path}: expected an int64 string, got {value!r}")
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected an integer, got {value!r}"]
        if schema.get("format") == "int32" and not INT32[0] <= value <= INT32[1]:
            errors.append(f"{path}: {value} does not fit int32")
    elif kind == "number" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        return [f"{path}: expected a number, got {value!r}"]
    elif kind == "boolean" and not isinstance(value, bool):
        return [f"{path}: expected a boolean, got {value!r}"]
    return errors


# ------------------------------------------------------------------ the tour


def tour(double: GoogleDouble) -> None:
    """Call every method the double implements, through the real clients, with rich content."""
    sheets = double.service("sheets", "v4").spreadsheets()
    drive = double.service("drive", "v3")
    docs = double.service("docs", "v1").documents()

    created = sheets.create(body={"properties": {"title": "Tur", "locale": "id_ID"}}).execute()
    sid = created["spreadsheetId"]
    values = sheets.values()
    values.update(
        spreadsheetId=sid,
        range="Sheet1!A1",
        valueInputOption="USER_ENTERED",
        body={
            "values": [
                ["Nama", "Tanggal", "Jumlah", "Rumus", "Galat", "Benar"],
                ["Ani", "28/11/2026 10:15", "1.234,5", "=C2*2", "=1/0", "TRUE"],
                ["Budi", "29/11/2026", "12%", '=HYPERLINK("https://x.example";"tautan")', "=NOPE()", "FALSE"],
            ]
        },
        includeValuesInResponse=True,
    ).execute()
    values.append(
        spreadsheetId=sid,
        range="Sheet1!A1",
        valueInputOption="RAW",
        body={"values": [["Citra", 3]]},
        includeValuesInResponse=True,
    ).execute()
    values.get(spreadsheetId=sid, range="Sheet1!A1:F4", valueRenderOption="UNFORMATTED_VALUE").execute()
    values.batchGet(spreadsheetId=sid, ranges=["Sheet1!A1:B2", "Sheet1!C:C"], majorDimension="COLUMNS").execute()
    values.batchUpdate(
        spreadsheetId=sid,
        body={
            "valueInputOption": "RAW",
            "includeValuesInResponse": True,
            "data": [{"range": "Sheet1!H1", "values": [["x"]]}],
        },
    ).execute()
    replies = sheets.batchUpdate(
        spreadsheetId=sid,
        body={
            "includeSpreadsheetInResponse": True,
            "responseIncludeGridData": True,
            "requests": [
                {
                    "addSheet": {
                        "properties": {
                            "title": "Kasus",
                            "gridProperties": {"rowCount": 20, "columnCount": 8},
                            "tabColorStyle": {"rgbColor": {"red": 0.5}},
                        }
                    }
                },
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                        "fields": "gridProperties.frozenRowCount",
                    }
                },
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "sapa.case",
                            "metadataValue": "K-1",
                            "visibility": "DOCUMENT",
                            "location": {
                                "dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
                            },
                        }
                    }
                },
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "sapa.tab",
                            "visibility": "PROJECT",
                            "location": {"sheetId": 0},
                        }
                    }
                },
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "sapa.version",
                            "metadataValue": "1",
                            "visibility": "DOCUMENT",
                            "location": {"spreadsheet": True},
                        }
                    }
                },
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "sapa.col",
                            "visibility": "DOCUMENT",
                            "location": {
                                "dimensionRange": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
                            },
                        }
                    }
                },
                {
                    "updateCells": {
                        "rows": [
                            {
                                "values": [
                                    {
                                        "note": "catatan",
                                        "userEnteredFormat": {
                                            "backgroundColor": {"red": 1},
                                            "textFormat": {"bold": True},
                                            "numberFormat": {"type": "TEXT"},
                                        },
                                    }
                                ]
                            }
                        ],
                        "fields": "note,userEnteredFormat",
                        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                    }
                },
                {
                    "repeatCell": {
                        "range": {"sheetId": 0, "startRowIndex": 5, "endRowIndex": 6},
                        "cell": {"userEnteredValue": {"stringValue": "-"}},
                        "fields": "userEnteredValue",
                    }
                },
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 1,
                            "endRowIndex": 3,
                            "startColumnIndex": 5,
                            "endColumnIndex": 6,
                        },
                        "rule": {"condition": {"type": "BOOLEAN"}, "strict": True},
                    }
                },
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                            "description": "kepala",
                            "warningOnly": True,
                        }
                    }
                },
                {
                    "addNamedRange": {
                        "namedRange": {"name": "Kepala", "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}}
                    }
                },
                {
                    "mergeCells": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 6,
                            "endRowIndex": 7,
                            "startColumnIndex": 0,
                            "endColumnIndex": 2,
                        },
                        "mergeType": "MERGE_ALL",
                    }
                },
                {"setBasicFilter": {"filter": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4}}}},
                {
                    "addConditionalFormatRule": {
                        "rule": {
                            "ranges": [{"sheetId": 0, "startColumnIndex": 2, "endColumnIndex": 3}],
                            "booleanRule": {
                                "condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "10"}]},
                                "format": {"textFormat": {"italic": True}},
                            },
                        }
                    }
                },
                {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}},
                {
                    "updateDimensionProperties": {
                        "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                        "properties": {"pixelSize": 150},
                        "fields": "pixelSize",
                    }
                },
                {
                    "sortRange": {
                        "range": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 5},
                        "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}],
                    }
                },
                {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 2}},
                {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "Salinan"}},
                {"updateSpreadsheetProperties": {"properties": {"timeZone": "Asia/Jakarta"}, "fields": "timeZone"}},
            ],
        },
    ).execute()["replies"]
    protected_id = replies[9]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    meta_id = replies[2]["createDeveloperMetadata"]["developerMetadata"]["metadataId"]
    sheets.batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [
                {
                    "updateDeveloperMetadata": {
                        "dataFilters": [{"developerMetadataLookup": {"metadataId": meta_id}}],
                        "developerMetadata": {"metadataValue": "K-2"},
                        "fields": "metadataValue",
                    }
                },
                {
                    "updateProtectedRange": {
                        "protectedRange": {"protectedRangeId": protected_id, "description": "baru"},
                        "fields": "description",
                    }
                },
                {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "sapa.col"}}}},
            ]
        },
    ).execute()
    sheets.get(spreadsheetId=sid, includeGridData=True).execute()
    sheets.get(spreadsheetId=sid, ranges=["Sheet1!A1:C3"], fields="sheets(data(rowData(values(note))))").execute()
    lookup = {"developerMetadataLookup": {"metadataKey": "sapa.case"}}
    sheets.getByDataFilter(spreadsheetId=sid, body={"dataFilters": [lookup], "includeGridData": True}).execute()
    sheets.developerMetadata().get(spreadsheetId=sid, metadataId=meta_id).execute()
    sheets.developerMetadata().search(
        spreadsheetId=sid, body={"dataFilters": [lookup, {"a1Range": "Sheet1!A1:Z1"}, {"gridRange": {"sheetId": 0}}]}
    ).execute()
    values.batchGetByDataFilter(spreadsheetId=sid, body={"dataFilters": [lookup]}).execute()
    values.batchUpdateByDataFilter(
        spreadsheetId=sid,
        body={
            "valueInputOption": "RAW",
            "data": [{"dataFilter": lookup, "values": [["Ani!"]]}],
            "includeValuesInResponse": True,
        },
    ).execute()
    values.batchClearByDataFilter(spreadsheetId=sid, body={"dataFilters": [{"a1Range": "Sheet1!H1"}]}).execute()
    values.clear(spreadsheetId=sid, range="Sheet1!A10:B10").execute()
    values.batchClear(spreadsheetId=sid, body={"ranges": ["Sheet1!G1", "Kasus!A1:B2"]}).execute()

    files = drive.files()
    shared = double.create_shared_drive("SAPA")
    folder = files.create(
        body={"name": "Surat", "mimeType": "application/vnd.google-apps.folder", "parents": [shared]},
        supportsAllDrives=True,
        fields="*",
    ).execute()
    doc = docs.create(body={"title": "Templat"}).execute()
    docs.batchUpdate(
        documentId=doc["documentId"],
        body={
            "requests": [
                {"insertText": {"location": {"index": 1}, "text": "Kepada {{nama}}\n"}},
                {"replaceAllText": {"containsText": {"text": "{{nama}}", "matchCase": True}, "replaceText": "Ani"}},
                {"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 2}}},
            ]
        },
    ).execute()
    docs.get(documentId=doc["documentId"]).execute()
    copy = files.copy(
        fileId=doc["documentId"],
        body={"name": "Surat 1", "parents": [folder["id"]]},
        supportsAllDrives=True,
        fields="*",
    ).execute()
    upload = MediaIoBaseUpload(io.BytesIO(b"a,b\n1,2\n"), mimetype="text/csv")
    files.create(body={"name": "csv", "mimeType": "text/csv"}, media_body=upload, fields="*").execute()
    files.get(fileId=copy["id"], supportsAllDrives=True, fields="*").execute()
    files.get(fileId=sid).execute()
    files.list(q="trashed = false", fields="*", includeItemsFromAllDrives=True, supportsAllDrives=True).execute()
    files.list(corpora="drive", driveId=shared, includeItemsFromAllDrives=True, supportsAllDrives=True).execute()
    files.update(fileId=sid, body={"name": "Tur 2", "description": "d"}, fields="*").execute()
    files.export(fileId=copy["id"], mimeType="application/pdf").execute()
    permissions = drive.permissions()
    perm = permissions.create(
        fileId=sid, body={"type": "user", "role": "writer", "emailAddress": "a@b.id"}, fields="*"
    ).execute()
    permissions.get(fileId=sid, permissionId=perm["id"], fields="*").execute()
    permissions.list(fileId=sid, fields="*").execute()
    permissions.delete(fileId=sid, permissionId=perm["id"]).execute()
    comments = drive.comments()
    comments.create(fileId=sid, body={"content": "tolong cek"}, fields="*").execute()
    comments.list(fileId=sid, fields="*").execute()
    drive.drives().list().execute()
    drive.drives().get(driveId=shared).execute()
    files.delete(fileId=copy["id"], supportsAllDrives=True).execute()

    gc = double.gspread_client()
    sh = gc.open_by_key(sid)
    sh.worksheet("Kasus").get_all_values()


@pytest.fixture(scope="module")
def toured() -> GoogleDouble:
    double = GoogleDouble(seed=7)
    tour(double)
    return double


def test_the_tour_calls_every_implemented_method(toured: GoogleDouble) -> None:
    succeeded = {e.method_id for e in toured.log if e.status is not None and 200 <= e.status < 300}
    assert IMPLEMENTED_METHOD_IDS - succeeded == set()
    failed = [(e.method_id, e.status, e.response) for e in toured.log if e.status is None or e.status >= 300]
    assert failed == []


def test_every_answer_fits_its_discovery_schema(toured: GoogleDouble) -> None:
    problems: list[str] = []
    checked = 0
    for entry in toured.log:
        found = response_schema(entry.method_id)
        if found is None or not isinstance(entry.response, dict):
            continue
        schema, schemas = found
        checked += 1
        problems += [f"{entry.method_id}: {e}" for e in validate(entry.response, schema, schemas)]
    assert checked > 35
    assert problems == []


def test_validator_rejects_unknown_keys_and_wrong_types() -> None:
    schema, schemas = response_schema("sheets.spreadsheets.values.get") or ({}, {})
    assert validate({"range": "A1", "majorDimension": "ROWS", "values": [[1, "a"]]}, schema, schemas) == []
    assert validate({"rnage": "A1"}, schema, schemas) == ["$: unknown key 'rnage'"]
    assert validate({"range": 5}, schema, schemas) == ["$.range: expected a string, got 5"]
    assert validate({"majorDimension": "DIAGONAL"}, schema, schemas)[0].startswith("$.majorDimension: 'DIAGONAL'")
    grid_range = schemas["GridRange"]
    assert validate({"sheetId": 2**40}, grid_range, schemas) == [f"$.sheetId: {2**40} does not fit int32"]
    drive_file = response_schema("drive.files.get")
    assert drive_file is not None
    assert validate({"size": "12x"}, *drive_file) == ["$.size: expected an int64 string, got '12x'"]
