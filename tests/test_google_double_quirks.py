"""The Google behaviours `doctor --probe` checks, as the double models them by default, and the quirks
(`double.quirks`) that break each one so a test can see the probe contradict it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gspread
import pytest
from googleapiclient.errors import HttpError

from googledouble import GoogleDouble
from googledouble.double import QUIRKS

OWNER = "pemilik@dinas-contoh.go.id"


@pytest.fixture
def double() -> GoogleDouble:
    return GoogleDouble()


def _book(double: GoogleDouble) -> tuple[str, gspread.Client]:
    sid = double.create_spreadsheet("Uji", {"Tab": [["h"], ["d"], ["b"], ["a"], ["e"], ["c"]]})
    return sid, double.gspread_client()


def _meta(meta_id: int, row: int) -> dict[str, Any]:
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataId": meta_id, "metadataKey": "k", "visibility": "DOCUMENT",
        "location": {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": row, "endIndex": row + 1}}}}}


def _delete(meta_id: int, row: int) -> dict[str, Any]:
    return {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
        "metadataId": meta_id, "locationMatchingStrategy": "EXACT_LOCATION",
        "metadataLocation": {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": row,
                                                "endIndex": row + 1}}}}}}


def _write(row: int, text: str) -> dict[str, Any]:
    return {"updateCells": {"rows": [{"values": [{"userEnteredValue": {"stringValue": text}}]}],
                            "start": {"sheetId": 0, "rowIndex": row, "columnIndex": 0}, "fields": "userEnteredValue"}}


def _row_of(double: GoogleDouble, sid: str, meta_id: int) -> int:
    return int(double.gspread_client().http_client.request(
        "get", f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/developerMetadata/{meta_id}",
    ).json()["location"]["dimensionRange"]["startIndex"])


def test_an_existing_metadata_id_fails_the_whole_batch_unless_the_quirk(double: GoogleDouble) -> None:
    sid, gc = _book(double)
    gc.http_client.batch_update(sid, {"requests": [_meta(7, 1)]})
    with pytest.raises(gspread.exceptions.APIError):
        gc.http_client.batch_update(sid, {"requests": [_write(2, "x"), _meta(7, 2)]})
    assert double.get_values(sid, "Tab")[2] == ["b"]  # the earlier write of the batch was not applied
    double.quirks.add("metadata_duplicate_accepted")
    gc.http_client.batch_update(sid, {"requests": [_write(2, "x"), _meta(7, 2)]})
    assert double.get_values(sid, "Tab")[2] == ["x"] and _row_of(double, sid, 7) == 2


def test_delete_then_create_of_one_id_in_a_batch_succeeds_unless_the_quirk(double: GoogleDouble) -> None:
    sid, gc = _book(double)
    gc.http_client.batch_update(sid, {"requests": [_meta(7, 1)]})
    gc.http_client.batch_update(sid, {"requests": [_delete(7, 1), _meta(7, 1)]})
    double.quirks.add("metadata_id_reserved")
    with pytest.raises(gspread.exceptions.APIError):
        gc.http_client.batch_update(sid, {"requests": [_delete(7, 1), _meta(7, 1)]})


MOVES: dict[str, tuple[dict[str, Any], int]] = {  # the move, and where row 3 ("a") goes
    "sortRange": ({"sortRange": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 6},
                                 "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}]}}, 1),
    "moveDimension": ({"moveDimension": {"source": {"sheetId": 0, "dimension": "ROWS", "startIndex": 3,
                                                    "endIndex": 4}, "destinationIndex": 1}}, 1),
    "insertDimension": ({"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1,
                                                       "endIndex": 2}}}, 4),
    "deleteDimension": ({"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1,
                                                       "endIndex": 2}}}, 2),
}


@pytest.mark.parametrize("name", sorted(MOVES))
@pytest.mark.parametrize("quirk", [False, True])
def test_row_metadata_moves_with_its_row_unless_the_quirk(double: GoogleDouble, name: str, quirk: bool) -> None:
    sid, gc = _book(double)
    gc.http_client.batch_update(sid, {"requests": [_meta(7, 3)]})
    if quirk:
        double.quirks.add("row_metadata_stays")
    move, moved_to = MOVES[name]
    gc.http_client.batch_update(sid, {"requests": [move]})
    assert double.get_values(sid, "Tab")[moved_to] == ["a"]
    assert _row_of(double, sid, 7) == (3 if quirk else moved_to)
    gc.http_client.batch_update(sid, {"requests": [_delete(7, 3)]})  # naming the old place
    assert (7 in double.book(sid).metadata) is not quirk


def test_a_protection_s_editors_keep_the_requester_unless_the_quirk(double: GoogleDouble) -> None:
    sid, gc = _book(double)
    double.set_owner(sid, OWNER)
    protect = {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0},
                                                        "editors": {"users": [double.user_email]}}}}
    gc.http_client.batch_update(sid, {"requests": [protect]})
    gc.http_client.batch_update(sid, {"requests": [_write(1, "x")]})
    double.quirks.add("protection_drops_requester")
    gc.http_client.batch_update(sid, {"requests": [protect]})
    with pytest.raises(gspread.exceptions.APIError):
        gc.http_client.batch_update(sid, {"requests": [_write(1, "y")]})


def _doc(double: GoogleDouble) -> tuple[str, Any]:
    doc_id = double.create_document("Surat", ["{{baris}}", "Yth. {{nama}}"])
    docs = double.service("docs", "v1").documents()
    start = 1 + len("{{baris}}\n") + len("Yth. ")
    docs.batchUpdate(documentId=doc_id, body={"requests": [{"updateTextStyle": {
        "range": {"startIndex": start, "endIndex": start + len("{{na")}, "textStyle": {"bold": True},
        "fields": "bold"}}]}).execute()
    return doc_id, docs


def _replace(docs: Any, doc_id: str) -> None:
    docs.batchUpdate(documentId=doc_id, body={"requests": [
        {"replaceAllText": {"containsText": {"text": "{{baris}}", "matchCase": True}, "replaceText": "satu\ndua"}},
        {"replaceAllText": {"containsText": {"text": "{{nama}}", "matchCase": True}, "replaceText": "Ani"}},
    ]}).execute()


def test_replace_all_text_finds_a_placeholder_split_by_a_style_and_a_newline_starts_a_paragraph(
        double: GoogleDouble) -> None:
    doc_id, docs = _doc(double)
    _replace(docs, doc_id)
    assert double.document_text(doc_id) == "satu\ndua\nYth. Ani\n"
    paragraphs = [c for c in docs.get(documentId=doc_id).execute()["body"]["content"] if "paragraph" in c]
    assert len(paragraphs) == 3


def test_the_docs_quirks(double: GoogleDouble) -> None:
    double.quirks |= {"docs_split_runs_missed", "docs_newline_same_paragraph"}
    doc_id, docs = _doc(double)
    _replace(docs, doc_id)
    assert double.document_text(doc_id) == "satu\u000bdua\nYth. {{nama}}\n"


def test_update_text_style_checks_its_range(double: GoogleDouble) -> None:
    doc_id = double.create_document("Surat", ["abc"])
    docs = double.service("docs", "v1").documents()
    with pytest.raises(HttpError) as err:
        docs.batchUpdate(documentId=doc_id, body={"requests": [{"updateTextStyle": {
            "range": {"startIndex": 2, "endIndex": 2}, "textStyle": {"bold": True}, "fields": "bold"}}]}).execute()
    assert err.value.status_code == 400


def test_drive_copy_refused_quirk(double: GoogleDouble) -> None:
    doc_id = double.create_document("Template", ["x"], app_created=True)
    files = double.service("drive", "v3").files()
    files.copy(fileId=doc_id, body={"name": "Salinan"}).execute()
    double.quirks.add("drive_copy_refused")
    with pytest.raises(HttpError) as err:
        files.copy(fileId=doc_id, body={"name": "Salinan"}).execute()
    assert err.value.status_code == 403 and b"appNotAuthorizedToFile" in err.value.content


def test_every_quirk_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "googledouble" / "README.md").read_text(encoding="utf-8")
    assert [q for q in QUIRKS if f"`{q}`" not in readme] == []
