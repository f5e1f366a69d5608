"""The values of one worksheet, read straight from its XML: what a cycle reads of a local workbook.

openpyxl's streaming read builds a rich-text object for each inline string (the way
openpyxl itself saves text), so reading a workbook of 3,000 responses cell by cell cost
about as much as loading and saving the whole of it. Here one pass of the XML parser
reads the common cells itself: text (shared or inline), numbers, booleans and date
cells (by their style's number format, with openpyxl's own date conversion). Any other
cell (a formula, rich text, an error, an ISO date) goes to openpyxl's cell parser, so
every value, type and row is the one `iter_rows(values_only=True)` gives.
"""

from __future__ import annotations

import io
from string import digits
from typing import Any
from xml.etree.ElementTree import Element

from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_ROW = f"{{{SHEET_MAIN_NS}}}row"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"

Row = tuple[object, ...]


def sheet_values(xml: bytes, sheet: ReadOnlyWorksheet) -> list[Row]:
    """Every row of `sheet` (whose XML is `xml`) as openpyxl's read-only `iter_rows(values_only=True)`
    yields it once the sheet's recorded size is reset: row n at index n - 1, a row the XML
    leaves out as (), each row as wide as its last cell."""
    reader = _Cells(sheet)
    rows: list[Row] = []
    number = 0
    for _, element in iterparse(io.BytesIO(xml)):
        if element.tag != _ROW:
            continue
        number = _row_number(element, number)
        values = reader.row(element, number)
        if number > len(rows):  # openpyxl leaves out a row numbered at or above one already read
            rows += [()] * (number - 1 - len(rows))
            rows.append(values)
        element.clear()
    return rows


def _row_number(row: Element, previous: int) -> int:
    """The row's `r`, else the one after the previous row (as openpyxl reads it)."""
    given = row.get("r")
    if given is None:
        return previous + 1
    try:
        return int(given)
    except ValueError:
        number = float(given)
        if not number.is_integer():
            raise ValueError(f"{given} is not a valid row number") from None
        return int(number)


class _Cells:
    """Reads a row's cells; the workbook's shared strings, date styles and epoch at hand."""

    def __init__(self, sheet: ReadOnlyWorksheet) -> None:
        book = sheet.parent
        self.strings: Any = sheet._shared_strings
        self.dates: set[int] = set(book._date_formats)
        self.durations: set[int] = set(book._timedelta_formats)
        self.epoch = book.epoch
        self.openpyxl = WorkSheetParser(None, self.strings, data_only=book.data_only, epoch=book.epoch,
                                        date_formats=book._date_formats,
                                        timedelta_formats=book._timedelta_formats)

    def row(self, row: Element, number: int) -> Row:
        found: list[tuple[int, object]] = []
        column = 0
        for cell in row:  # the common cells read here, in one loop: this is the read's hot path
            previous = column
            reference = cell.get("r")
            column = _column(reference) if reference else previous + 1
            value: object = None
            if len(cell) == 1:
                child = cell[0]
                kind = cell.get("t", "n")
                if child.tag == _VALUE and kind != "inlineStr":
                    value = self.value(child.text, kind, cell.get("s"))
                elif (child.tag == _INLINE and kind == "inlineStr" and not child.attrib
                      and len(child) == 1 and child[0].tag == _TEXT):
                    value = child[0].text or ""
                else:
                    value = _OTHER
            elif len(cell):
                value = _OTHER
            if value is _OTHER:
                column, value = self.by_openpyxl(cell, number, previous)
            found.append((column, value))
        if not found:
            return ()
        values: list[object] = [None] * found[-1][0]  # as wide as the last cell, as openpyxl reads it
        for at, value in found:
            if at <= len(values):
                values[at - 1] = value
        return tuple(values)

    def value(self, text: str | None, kind: str, style: str | None) -> object:
        if not text:
            return None
        if kind == "s":
            return self.strings[int(text)]
        if kind == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            key: object = int(style) if style else (0 if style is None else style)  # openpyxl's style id
            if key not in self.dates:
                return number
            try:
                return from_excel(number, self.epoch, timedelta=key in self.durations)
            except (OverflowError, ValueError):
                return _OTHER  # openpyxl warns and reads it as an error value
        if kind == "b":
            return bool(int(text))
        if kind == "str":
            return text
        return _OTHER

    def by_openpyxl(self, cell: Element, row: int, previous: int) -> tuple[int, object]:
        parser = self.openpyxl
        parser.row_counter, parser.col_counter = row, previous
        parsed = parser.parse_cell(cell)
        return parsed["column"], parsed["value"]


_OTHER = object()  # a value the fast path leaves to openpyxl


def _column(reference: str) -> int:
    """The column of a cell reference (`AB12`: 28)."""
    letters = reference.rstrip(digits)
    column = _COLUMNS.get(letters) if len(letters) < len(reference) else None
    if column is None:  # a column not met yet, or an unusual reference: openpyxl reads it (or refuses it)
        column = int(coordinate_to_tuple(reference)[1])
        if letters.isalpha() and len(letters) < len(reference):
            _COLUMNS[letters] = column
    return column


_COLUMNS: dict[str, int] = {}
