"""The values of one worksheet, read straight from its XML: what a cycle reads of a local workbook.

openpyxl's streaming read builds a rich-text object for each inline string (the way
openpyxl itself saves text), so reading a workbook of 3,000 responses cell by cell cost
about as much as loading and saving the whole of it. Here one pass of the XML parser
reads the common cells itself: text (shared or inline), numbers, booleans and date
cells (by their style's number format, with openpyxl's own date conversion). Any other
cell (a formula, rich text, an error, an ISO date) goes to openpyxl's cell parser, so
every value, type and row is the one `iter_rows(values_only=True)` gives.

Building an element for every cell is most of that pass, so the rows as openpyxl, LibreOffice
and Excel write them (`plain_rows`) are read with two regular expressions instead, once the
whole sheet has passed the XML parser without building anything (a malformed sheet fails as
before). A row holding any other cell is parsed as XML; a sheet with anything unusual around
its rows (a comment, CDATA, a DOCTYPE, another encoding, a prefixed or stray row) is read the
long way only.
"""

from __future__ import annotations

import io
import re
from string import digits
from typing import Any
from xml.etree.ElementTree import Element, fromstring
from xml.parsers import expat

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
    plain = plain_rows(xml, sheet)
    if plain is not None:
        return plain
    reader = _Cells(sheet)
    rows: list[Row] = []
    number = 0
    for _, element in iterparse(io.BytesIO(xml)):
        if element.tag != _ROW:
            continue
        number = _row_number(element.get("r"), number)
        _place(rows, number, reader.row(element, number))
        element.clear()
    return rows


def _place(rows: list[Row], number: int, values: Row) -> None:
    if number > len(rows):  # openpyxl leaves out a row numbered at or above one already read
        rows += [()] * (number - 1 - len(rows))
        rows.append(values)


def _row_number(given: str | None, previous: int) -> int:
    """The row's `r`, else the one after the previous row (as openpyxl reads it)."""
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

    def plain_row(self, content: bytes) -> Row | None:
        """The row whose cells' XML is `content`, if every cell is a plain one (`_CELL`), else None."""
        found: list[tuple[int, object]] = []
        at, end = 0, len(content)
        while at < end:
            cell = _CELL.match(content, at)
            if cell is None:
                return None
            at = cell.end()
            reference, style, kind, number, text = cell.groups()
            value: object = None
            if number is not None:
                if kind == b"inlineStr":
                    return None
                value = self.value(_text(number), _KINDS.get(kind, "?"), style.decode() if style else None)
                if value is _OTHER:
                    return None
            elif text is not None:
                if kind != b"inlineStr":
                    return None
                value = _text(text)
            found.append((_column(reference.decode()), value))
        return _spread(found)

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
        return _spread(found)

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


def _spread(found: list[tuple[int, object]]) -> Row:
    """Cells (column, value) as a row: as wide as the last cell, as openpyxl reads it."""
    if not found:
        return ()
    values: list[object] = [None] * found[-1][0]
    for at, value in found:
        if at <= len(values):
            values[at - 1] = value
    return tuple(values)


# --- rows as spreadsheet programs write them ----------------------------------------------------------

_ROOT = re.compile(rb"""<worksheet(?:\s+[\w:.-]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*\s*>""")
_MAIN_DEFAULT = f'xmlns="{SHEET_MAIN_NS}"'.encode()
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding=["']([^"']*)["']""")
_ANY_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b")
_PLAIN_ROW = re.compile(rb'\s*<row((?: [a-zA-Z][\w:]*="[^"<>&]*")*)\s*(/?)>')
_R = re.compile(rb' r="([^"]*)"')
_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
                   rb'(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')
_KINDS = {None: "n", b"n": "n", b"s": "s", b"b": "b", b"str": "str"}  # other kinds: openpyxl reads them
_REFERENCE = re.compile(r"&(?:#x([0-9a-fA-F]+);|#([0-9]+);|(amp|lt|gt|quot|apos);)")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def plain_rows(xml: bytes, sheet: ReadOnlyWorksheet) -> list[Row] | None:
    """`sheet_values` of a sheet as spreadsheet programs write it, read without building elements;
    None for a sheet this does not read exactly as the XML parser does."""
    start, end = xml.find(b"<sheetData>"), xml.find(b"</sheetData>")
    root = _ROOT.search(xml)
    declared = _ENCODING.match(xml)
    if (start == -1 or end < start or root is None or root.start() > start or _MAIN_DEFAULT not in root.group()
            or b"<!" in xml or (declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"))):
        return None
    body = xml[start + len(b"<sheetData>"):end]
    if b"\r" in body or b"xmlns" in body or _ANY_ROW.search(xml, 0, start) or _ANY_ROW.search(xml, end):
        return None
    try:
        expat.ParserCreate(namespace_separator="}").Parse(xml, True)  # well-formed, as the long way needs
    except expat.ExpatError:
        return None
    reader = _Cells(sheet)
    rows: list[Row] = []
    number, at = 0, 0
    while at < len(body):
        tag = _PLAIN_ROW.match(body, at)
        if tag is None:
            if body[at:].isspace():
                break
            return None
        attributes = tag.group(1)
        given = _R.search(attributes)
        number = _row_number(given.group(1).decode() if given else None, number)
        if tag.group(2):  # <row .../>
            at = tag.end()
            _place(rows, number, ())
            continue
        close = body.find(b"</row>", tag.end())
        if close == -1:
            return None
        content = body[tag.end():close]
        at = close + len(b"</row>")
        values = reader.plain_row(content)
        if values is None:  # a cell of another kind: this row the long way
            element = fromstring(root.group() + body[tag.start():at] + b"</worksheet>")[0]
            values = reader.row(element, number)
        _place(rows, number, values)
    return rows


def _text(raw: bytes) -> str:
    """Text as the XML parser gives it (the sheet has no DOCTYPE and no carriage return)."""
    text = raw.decode("utf-8")
    return _REFERENCE.sub(_resolve, text) if "&" in text else text


def _resolve(reference: re.Match[str]) -> str:
    hexadecimal, decimal, name = reference.groups()
    if name:
        return _NAMED[name]
    return chr(int(hexadecimal, 16) if hexadecimal else int(decimal))


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
