"""The double parses formulas in the spreadsheet's locale, as Google does: where the decimal separator is a
comma (id_ID, de_DE, tr_TR), a `,` between arguments does not parse; `;` parses in every locale."""

from __future__ import annotations

from typing import Any

import pytest

from googledouble import GoogleDouble

TAB = "Sheet1"


def book(double: GoogleDouble, locale: str) -> str:
    return double.create_spreadsheet("Lokal", {TAB: [["a", 2], ["bb", 3]]}, locale=locale)


def typed(double: GoogleDouble, sid: str, formula: str) -> Any:
    """What a formula written through the API (USER_ENTERED) shows in C1: its value, or its error."""
    double.gspread_client().open_by_key(sid).worksheet(TAB).update([[formula]], "C1", value_input_option="USER_ENTERED")
    cell = double.cell(sid, TAB, "C1")
    assert cell.is_formula  # stored as typed, whether it parses or not
    error = (cell.effective or {}).get("errorValue")
    return (cell.formatted, error["message"]) if error else cell.value


@pytest.mark.parametrize("locale", ["id_ID", "de_DE", "tr_TR"])
def test_a_comma_between_arguments_is_a_parse_error_where_the_decimal_separator_is_a_comma(locale: str) -> None:
    double = GoogleDouble()
    sid = book(double, locale)
    assert typed(double, sid, "=SUMPRODUCT(LEN(Sheet1!A1:A),ROW(Sheet1!A1:A))") == ("#ERROR!", "Formula parse error.")
    assert typed(double, sid, "=SUMPRODUCT(LEN(Sheet1!A1:A);ROW(Sheet1!A1:A))") == 5
    assert typed(double, sid, "=SUM(Sheet1!B1:B;1,5)") == 6.5  # `,` inside a number is its decimal comma


@pytest.mark.parametrize("locale", ["en_US", "en_GB"])
def test_both_separators_parse_where_the_decimal_separator_is_a_point(locale: str) -> None:
    double = GoogleDouble()
    sid = book(double, locale)
    assert typed(double, sid, "=SUMPRODUCT(LEN(Sheet1!A1:A),ROW(Sheet1!A1:A))") == 5
    assert typed(double, sid, "=SUMPRODUCT(LEN(Sheet1!A1:A);ROW(Sheet1!A1:A))") == 5
    assert typed(double, sid, "=SUM(Sheet1!B1:B,1.5)") == 6.5


def rule(formula: str) -> dict[str, Any]:
    return {"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [{"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2}],
        "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
                        "format": {"backgroundColorStyle": {"rgbColor": {"red": 1}}}}}}}


def validation(formula: str) -> dict[str, Any]:
    return {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2},
                                  "rule": {"condition": {"type": "CUSTOM_FORMULA",
                                                         "values": [{"userEnteredValue": formula}]}}}}


@pytest.mark.parametrize("request_of", [rule, validation])
def test_a_custom_formula_that_does_not_parse_in_the_locale_is_refused(request_of: Any) -> None:
    double = GoogleDouble()
    comma, point = book(double, "id_ID"), book(double, "en_US")
    gc = double.gspread_client()
    with pytest.raises(Exception) as refused:
        gc.open_by_key(comma).batch_update({"requests": [request_of('=OR(TRIM($A1)="a",TRIM($A1)="b")')]})
    assert "400" in str(refused.value) and "Invalid ConditionValue.userEnteredValue" in str(refused.value)
    gc.open_by_key(comma).batch_update({"requests": [request_of('=OR(TRIM($A1)="a";TRIM($A1)="b")')]})
    gc.open_by_key(point).batch_update({"requests": [request_of('=OR(TRIM($A1)="a",TRIM($A1)="b")')]})
    gc.open_by_key(point).batch_update({"requests": [request_of('=OR(TRIM($A1)="a";TRIM($A1)="b")')]})
