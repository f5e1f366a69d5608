"""The local read (sync/stores/xlsx_rows.py) gives exactly the values openpyxl reads, of every kind of cell.

Each workbook is read three ways: by the store, by openpyxl's streaming read (what the
store used before), and by a full `load_workbook`; values and their types must agree.
`tests/data/libreoffice_cells.xlsx` is the openpyxl workbook below as LibreOffice 7
saved it (shared strings, its own styles, a formula with its cached value): made with
`soffice --headless --convert-to xlsx`.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.worksheet.datavalidation import DataValidation

from sync.stores import xlsx_rows
from sync.stores.local_store import LocalStore
from sync.stores.store import Table
from sync.stores.text import cell_text
from sync.stores.xlsx_rows import sheet_values

LIBREOFFICE = Path(__file__).parent / "data" / "libreoffice_cells.xlsx"
MOMENT = '[$-421]d mmm yyyy hh"."mm "WIB"'  # the worker's date-cell formats (sync/stores/cells.py)
DAY = "[$-421]d mmm yyyy"
TAB = "Respons Formulir 1"


def every_kind(path: Path) -> Path:
    """A responses tab with every kind of cell the worker may meet, blanks and gaps included."""
    book = Workbook()
    sheet = book.active
    sheet.title = TAB
    sheet.append(["Stempel waktu", "Teks", "Angka", "Pecahan", "Ya/Tidak", "Tanggal", None, "Lain"])
    rows: list[list[object]] = [
        [datetime(2026, 11, 28, 10, 3, 12), "Budi  Santoso ", 7, 1.5, True, date(2026, 11, 1), None, "x"],
        [datetime(2026, 11, 28, 23, 59, 59, 500_000), "=1+1 (teks)", -3, 1e20, False, None, None, None],
        [None, "baris\nkedua\tdengan tab", 0, 0.1 + 0.2, None, datetime(1900, 1, 1), None, "ąęś ñ 日本"],
        [None, "", None, None, None, None, None, None],  # a blank row (an empty string and nothing)
        [None, None, 12345678901234, -0.0, None, datetime(2026, 2, 28, 12), None, " "],
    ]
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append([])  # two rows never written: a gap before the next
    sheet.append([datetime(2026, 12, 1, 8), "setelah celah", 1, 2.25, True, date(2026, 12, 1), "tanpa judul"])
    sheet["K12"] = "jauh ke kanan, setelah kolom kosong"
    sheet["C13"] = "=C2*2"  # a formula: both reads give its text
    sheet["B14"] = CellRichText("sebagian ", TextBlock(InlineFont(b=True), "tebal"))
    sheet["D15"] = time(10, 30)
    sheet["E15"] = timedelta(hours=30, minutes=5)
    sheet["E15"].number_format = "[h]:mm:ss"
    for cell in ("A2", "A3", "A9"):
        sheet[cell].number_format = MOMENT
    for cell in ("F2", "F4", "F6", "F9"):
        sheet[cell].number_format = DAY
    sheet["B3"].data_type = "s"  # text, never a formula
    other = book.create_sheet("Daftar Kasus")
    other.append(["ID Kasus", "Status"])
    other.append(["SAPA-2026-0001", "Penerimaan"])
    other["A5"] = "SAPA-2026-0002"
    book.save(path)
    return path


def streamed(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """What openpyxl's streaming read gives (the store's read before sync/stores/xlsx_rows.py)."""
    book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    out = {}
    for name in book.sheetnames:
        sheet = book[name]
        sheet.reset_dimensions()
        out[name] = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    return out


def read_here(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    return {name: sheet_values(book._archive.read(book[name]._worksheet_path), book[name]) for name in book.sheetnames}


def typed(rows: list[tuple[object, ...]]) -> list[list[tuple[type, object]]]:
    """Values with their types: 1 and 1.0 and True must not pass for one another."""
    return [[(type(v), v) for v in row] for row in rows]


def table_of_full_load(path: Path, name: str) -> Table:
    """The tab as a full `load_workbook` reads it, shaped as the store's Table."""
    sheet = load_workbook(path)[name]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    headers = tuple(cell_text(h) or "" for h in rows[0])
    numbered = [(n, tuple(r)) for n, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
    return Table(name, headers, tuple(r for _, r in numbered), tuple(n for n, _ in numbered))


def same_table(read: Table, full: Table) -> None:
    """A full load pads every row (headers too) to the sheet's width; the store pads to its widest row."""
    width = len(full.headers)
    assert read.headers + ("",) * (width - len(read.headers)) == full.headers
    assert read.row_numbers == full.row_numbers
    assert typed([r + (None,) * (width - len(r)) for r in read.rows]) == typed(list(full.rows))


@pytest.fixture(params=["openpyxl", "libreoffice"])
def workbook(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "libreoffice":
        return LIBREOFFICE
    return every_kind(tmp_path / "cells.xlsx")


def test_every_kind_of_cell_reads_as_openpyxl_reads_it(workbook: Path) -> None:
    expected = streamed(workbook)
    found = read_here(workbook)
    assert found.keys() == expected.keys()
    for name, rows in expected.items():
        assert typed(found[name]) == typed(rows), name


def test_the_store_reads_the_tabs_a_full_load_reads(workbook: Path) -> None:
    snapshot = LocalStore(workbook).read(["Daftar Kasus"])
    same_table(snapshot.response_tabs[0], table_of_full_load(workbook, TAB))
    same_table(snapshot.tabs["Daftar Kasus"], table_of_full_load(workbook, "Daftar Kasus"))
    responses = snapshot.response_tabs[0]
    first = responses.rows[0]
    assert first[:4] == (datetime(2026, 11, 28, 10, 3, 12), "Budi  Santoso ", 7, 1.5)
    assert first[5] == datetime(2026, 11, 1)
    assert first[4] in (True, "=TRUE()")  # LibreOffice saves a boolean as the formula TRUE(): read as its text
    assert responses.row_numbers[-1] >= 9  # the rows after the gap keep their sheet row numbers


def test_the_libreoffice_workbook_holds_what_the_test_claims() -> None:
    """Shared strings, date styles and a formula's cached value: the fixture exercises them."""
    with zipfile.ZipFile(LIBREOFFICE) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
        assert b't="s"' in sheet and b"<f " in sheet and b"<v>" in sheet
        assert b"inlineStr" not in sheet
        assert b"LibreOffice" in archive.read("docProps/app.xml")


# --- cells written by hand: what other programs may write ------------------------------------------

_SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          "<sheetData>{}</sheetData>{}</worksheet>")
HAND_WRITTEN = {
    "rows and cells without references": '<row><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row>'
                                         '<row><c t="b"><v>1</v></c><c/><c t="str"><v>teks</v></c></row>',
    "rows out of order and repeated": '<row r="3"><c r="A3"><v>3</v></c></row>'
                                      '<row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="B3"><v>4</v></c></row>'
                                      '<row r="5.0"><c r="C5"><v>5</v></c></row>',
    "cells out of order": '<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c></row>'
                          '<row r="2"><c r="B2"><v>2</v></c><c><v>9</v></c><c r="A2"><v>1</v></c></row>',
    "rich text, phonetic runs, empty texts": '<row r="1"><c r="A1" t="inlineStr"><is><r><t>satu </t></r><r><rPr><b/>'
                                             '</rPr><t>dua</t></r></is></c><c r="B1" t="inlineStr"><is><t>kan</t>'
                                             '<rPh sb="0" eb="1"><t>k</t></rPh></is></c><c r="C1" t="inlineStr">'
                                             '<is><t/></is></c><c r="D1" t="inlineStr"><is/></c><c r="E1" '
                                             't="inlineStr"/><c r="F1" t="inlineStr"><is><t xml:space="preserve">'
                                             '  spasi  </t></is></c></row>',
    "errors, ISO dates, empty values": '<row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="d">'
                                       '<v>2026-11-28T10:03:00</v></c><c r="C1"><v></v></c><c r="D1" t="s"/>'
                                       '<c r="E1" t="n"><v>1E-3</v></c><c r="F1" t="b"><v>0</v></c></row>',
    "formulas, shared and with cached values": '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f t="shared" '
                                               'ref="B1:B3" si="0">A1*2</f><v>4</v></c></row><row r="2"><c r="B2">'
                                               '<f t="shared" si="0"/><v>0</v></c><c r="C2" t="str"><f>"x"</f>'
                                               '<v>x</v></c></row>',
    "a row with nothing but a blank cell, then a gap": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"/>'
                                                       '<row r="4" spans="1:3" ht="30" customHeight="1">'
                                                       '<c r="C4" s="0"><v>4</v></c></row>',
    "text that looks like XML": '<row r="1"><c r="A1" t="inlineStr"><is><t>&lt;formula1&gt;"</t></is>'
                                               '</c></row>',
}


def hand_written(tmp_path: Path, cells: str, tail: str = "") -> Path:
    """A workbook whose first sheet's XML is `cells` (and `tail` after its sheetData)."""
    made = tmp_path / "made.xlsx"
    book = Workbook()
    book.active.title = TAB
    book.save(made)
    path = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _SHEET.format(cells, tail).encode()
            target.writestr(item, data)
    return path


@pytest.mark.parametrize("cells", list(HAND_WRITTEN.values()), ids=list(HAND_WRITTEN))
def test_cells_as_other_programs_write_them_read_as_openpyxl_reads_them(tmp_path: Path, cells: str) -> None:
    path = hand_written(tmp_path, cells)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert typed(read_here(path)[TAB]) == typed(streamed(path)[TAB])


def test_a_date_cell_out_of_range_reads_as_openpyxl_reads_it(tmp_path: Path) -> None:
    """openpyxl warns and reads an impossible date as an error value; so does the store."""
    book = Workbook()
    book.active.title = TAB
    book.active["A1"] = 1
    book.active["A1"].number_format = DAY
    path = tmp_path / "date.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").replace(b"<v>1</v>", b"<v>99999999</v>")
    loaded = load_workbook(path, read_only=True)
    with pytest.warns(UserWarning, match="outside the limits for dates"):
        assert sheet_values(xml, loaded[TAB]) == [("#VALUE!",)]


# --- what an older worker left: inline dropdowns, a tab without the look ---------------------------


def test_inline_dropdowns_and_a_missing_filter_are_found_in_the_sheet(tmp_path: Path) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    book.active.title = TAB
    old = book.create_sheet("Lama")
    old.append(["ID Kasus", "Keputusan"])
    inline = DataValidation(type="list", formula1='"Setuju;Tolak"')
    inline.add("B2:B100")
    old.add_data_validation(inline)
    new = book.create_sheet("Baru")
    new.append(["ID Kasus", "Keputusan"])
    new.append(["SAPA-2026-0001", '<formula1>"teks, bukan daftar" autoFilter'])
    listed = DataValidation(type="list", formula1="'Daftar Pilihan'!$A$2:$A$5")
    listed.add("B2:B100")
    new.add_data_validation(listed)
    new.auto_filter.ref = "A1:B2"
    new.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # the print setup of issue 25's look
    path = tmp_path / "old.xlsx"
    book.save(path)
    tabs = LocalStore(path).read(["Lama", "Baru"]).tabs
    assert (tabs["Lama"].stale_dropdowns, tabs["Lama"].stale_look) == (True, True)
    assert (tabs["Baru"].stale_dropdowns, tabs["Baru"].stale_look) == (False, False)


# --- the plain rows, read without the XML parser's elements (sync/stores/xlsx_rows.py) ---------------

PLAIN = {
    "references, whitespace between rows": '<row r="1"><c r="A1" t="inlineStr"><is><t>a&amp;b &lt;c&gt; &quot;d&quot; '
                                           '&apos;e&apos; &#10;&#x41;&#233;</t></is></c></row>\n  '
                                           '<row r="2" spans="1:2"><c r="B2" s="0" t="n"><v>2.5</v></c></row>\n',
    "a carriage return": '<row r="1"><c r="A1" t="inlineStr"><is><t>a\r\nb\rc&#13;</t></is></c></row>',
    "a comment among the rows": '<row r="1"><c r="A1"><v>1</v></c></row><!-- x --><row r="2"><c r="A2"><v>2</v></c>'
                                '</row>',
    "a row of other cells among plain ones": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><f>1+1</f>'
                                             '<v>2</v></c><c r="B2" t="e"><v>#N/A</v></c></row><row r="3"><c r="A3" '
                                             't="inlineStr"><is><t>x</t></is></c> <c r="B3"><v>3</v></c></row>',
    "inline text of another kind": '<row r="1"><c r="A1" t="s"><is><t>x</t></is></c><c r="B1" t="inlineStr"><v>1</v>'
                                   '</c><c r="C1" t="str"><v>y&amp;</v></c></row>',
}


@pytest.mark.parametrize("cells", list(PLAIN.values()), ids=list(PLAIN))
def test_plain_rows_read_as_openpyxl_reads_them(tmp_path: Path, cells: str) -> None:
    path = hand_written(tmp_path, cells)
    assert typed(read_here(path)[TAB]) == typed(streamed(path)[TAB])


def test_a_sheet_as_excel_writes_it_is_read_plain(tmp_path: Path) -> None:
    """Prefixed row attributes declared on the root, a declaration, shared strings: still the plain read."""
    path = hand_written(tmp_path, "")
    root = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
            '<sheetData><row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="A1" s="1"><v>3</v></c><c r="B1" t="b">'
            '<v>1</v></c></row><row r="3" x14ac:dyDescent="0.25"><c r="C3"><f>A1</f><v>3</v></c></row></sheetData>'
            '</worksheet>')
    with zipfile.ZipFile(path) as source:
        items = [(item, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for item, data in items:
            target.writestr(item, root.encode() if item.filename == "xl/worksheets/sheet1.xml" else data)
    book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    assert xlsx_rows.plain_rows(root.encode(), book[TAB]) is not None
    assert typed(read_here(path)[TAB]) == typed(streamed(path)[TAB])


def test_what_the_worker_and_libreoffice_write_is_read_plain(workbook: Path) -> None:
    """The long way stays for what the plain read leaves: a workbook of these must not take it."""
    book = load_workbook(io.BytesIO(workbook.read_bytes()), read_only=True)
    for name in book.sheetnames:
        sheet = book[name]
        assert xlsx_rows.plain_rows(book._archive.read(sheet._worksheet_path), sheet) is not None


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06"
                                 "\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
                                 "\x1f\ufffe\uffff"), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(st.none(), XML_TEXT, st.integers(-10**15, 10**15),
                                   st.floats(allow_nan=False, allow_infinity=False), st.booleans()),
                         max_size=5), max_size=5))
def test_any_text_openpyxl_writes_reads_back_as_openpyxl_reads_it(tmp_path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = TAB
    for row in rows:
        sheet.append(row)
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    path = tmp_path / "any.xlsx"
    book.save(path)
    assert typed(read_here(path)[TAB]) == typed(streamed(path)[TAB])
    if not any(isinstance(v, str) and "\r" in v for row in rows for v in row):  # a carriage return: the long way
        loaded = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)[TAB]
        assert xlsx_rows.plain_rows(loaded.parent._archive.read(loaded._worksheet_path), loaded) is not None
