"""Offices to run the worker on: a workbook, or a spreadsheet over the in-process Google double.

An office makes a spreadsheet holding a form responses tab, hands out the store the worker
uses, and acts as staff would (typing into a cell, sorting, deleting rows). The self-test and
the bench run on them; the contract suite runs every cycle test against each of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from docx import Document
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from config.settings import Settings
from googledouble import GoogleDouble
from googledouble.a1 import cell_name
from googledouble.forms import google_spreadsheet
from letters.files import DISK, Disk
from letters.google_writer import GoogleLetterWriter
from letters.local_writer import LocalLetterWriter
from letters.writer import TEMPLATE_KINDS, TEMPLATES, LetterWriter
from rules.complaint import FIELDS
from rules.values import from_serial
from sync.commands import demo
from sync.stores import google_changes, workspace
from sync.stores.google_retry import RetryPolicy
from sync.stores.google_store import GoogleStore
from sync.stores.local_store import LocalStore, Moment
from sync.stores.store import Store


class Backend(Protocol):
    name: str

    def create(self, rows: list[dict[str, object]], settings: Settings, tab: str = ...) -> None: ...
    def store(self) -> Store: ...
    def writer(self) -> LetterWriter: ...
    def letter_texts(self) -> dict[str, list[str]]: ...
    def tab(self, name: str, *, raw: bool = False) -> list[list[object]]: ...
    def tabs(self) -> list[str]: ...
    def type_into(self, tab: str, key_header: str, key: str, header: str, value: object) -> None: ...
    def sort_rows(self, tab: str, header: str, reverse: bool = False) -> None: ...
    def delete_row(self, tab: str, key_header: str, key: str) -> None: ...
    def link(self, tab: str, key_header: str, key: str, header: str) -> str | None: ...
    def insert_row(self, tab: str, before: int, values: Sequence[object] = ()) -> None: ...
    def cells(self) -> list[tuple[str, object, bool]]: ...
    def set_cell(self, tab: str, row: int, column: int, value: object) -> None: ...
    def insert_column(self, tab: str, at: int, header: str) -> None: ...
    def add_tab(self, name: str, data: list[list[object]]) -> None: ...
    def delete_sheet_row(self, tab: str, number: int) -> None: ...
    def delete_column(self, tab: str, at: int) -> None: ...
    def rename_tab(self, name: str, new_name: str) -> None: ...


class LocalBackend:
    """The .xlsx workbook, edited as a person would in LibreOffice."""

    name = "local"

    def __init__(self, folder: Path, at: Callable[[Moment], None] | None = None, disk: Disk = DISK) -> None:
        self.path = folder / "sapa.xlsx"
        self._at = at  # staff saving at a moment of the cycle (LocalStore's `at`)
        self._disk = disk  # the writes of the store and the letters (a faulty one in the self-test)
        self._cached: tuple[tuple[int, int, int], Workbook] | None = None

    def _book(self) -> Workbook:
        """The workbook as saved now, for reading only: loaded once until the file changes (a test
        reads many tabs between two cycles; loading the whole workbook for each was most of its time)."""
        stat = self.path.stat()
        version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._cached is None or self._cached[0] != version:
            self._cached = (version, load_workbook(self.path))
        return self._cached[1]

    def create(self, rows: list[dict[str, object]], settings: Settings,
               tab: str = "Respons Formulir 1") -> None:
        demo.write_responses(self.path, rows, settings, tab)

    def store(self) -> LocalStore:
        return LocalStore(self.path, at=self._at, disk=self._disk)

    def writer(self) -> LocalLetterWriter:
        return LocalLetterWriter(self.path.parent / "Surat SAPA", Settings().letters, disk=self._disk)

    def letter_files(self) -> list[Path]:
        return sorted((self.path.parent / "Surat SAPA").glob("*.docx"))

    def letter_texts(self) -> dict[str, list[str]]:
        """The text of every current letter document, by '<case>-<surat-tugas|surat-rujukan>'."""
        return {path.stem: [docx_text(path)] for path in self.letter_files()}

    def tabs(self) -> list[str]:
        return list(self._book().sheetnames)

    def tab(self, name: str, *, raw: bool = False) -> list[list[object]]:
        """The tab's values as openpyxl reads them (the worker reads the same: `raw` changes nothing)."""
        sheet = self._book()[name]
        return [list(r) for r in sheet.iter_rows(values_only=True)]

    def _find(self, sheet, key_header: str, key: str) -> int:  # type: ignore[no-untyped-def]
        headers = [c.value for c in sheet[1]]
        column = headers.index(key_header) + 1
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row=row, column=column).value == key:
                return row
        raise KeyError(key)

    def type_into(self, tab: str, key_header: str, key: str, header: str, value: object) -> None:
        book = load_workbook(self.path)
        sheet = book[tab]
        headers = [c.value for c in sheet[1]]
        sheet.cell(row=self._find(sheet, key_header, key), column=headers.index(header) + 1).value = value
        book.save(self.path)

    def sort_rows(self, tab: str, header: str, reverse: bool = False) -> None:
        book = load_workbook(self.path)
        sheet = book[tab]
        # LibreOffice sorts whole cells: the value with its number format and its link
        rows = [[(c.value, c.number_format, c.hyperlink.target if c.hyperlink else None) for c in r]
                for r in sheet.iter_rows(min_row=2)]
        column = [c.value for c in sheet[1]].index(header)
        rows.sort(key=lambda r: str(r[column][0] or ""), reverse=reverse)
        for i, row in enumerate(rows, start=2):
            for j, (value, number_format, link) in enumerate(row, start=1):
                cell = sheet.cell(row=i, column=j)
                cell.hyperlink = None
                cell.value = value
                cell.number_format = number_format
                if isinstance(value, str):
                    cell.data_type = "s"
                if link:
                    cell.hyperlink = link
        book.save(self.path)

    def insert_row(self, tab: str, before: int, values: Sequence[object] = ()) -> None:
        """Insert a row at sheet row `before` (2 = just below the header), as staff would."""
        book = load_workbook(self.path)
        sheet = book[tab]
        sheet.insert_rows(before)
        _relink(sheet)
        for column, value in enumerate(values, start=1):
            sheet.cell(row=before, column=column).value = value
        book.save(self.path)

    def link(self, tab: str, key_header: str, key: str, header: str) -> str | None:
        """Where the cell's hyperlink leads (None: no link)."""
        sheet = self._book()[tab]
        column = [c.value for c in sheet[1]].index(header) + 1
        found = sheet.cell(row=self._find(sheet, key_header, key), column=column).hyperlink
        return found.target if found is not None else None

    def delete_row(self, tab: str, key_header: str, key: str) -> None:
        book = load_workbook(self.path)
        sheet = book[tab]
        sheet.delete_rows(self._find(sheet, key_header, key))
        _relink(sheet)
        book.save(self.path)

    def set_cell(self, tab: str, row: int, column: int, value: object) -> None:
        """Type `value` at sheet row `row` (1 = the header) and 0-based `column`, as staff or the form would."""
        book = load_workbook(self.path)
        cell = book[tab].cell(row=row, column=column + 1)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
        book.save(self.path)

    def insert_column(self, tab: str, at: int, header: str) -> None:
        """A column inserted at 0-based `at` (what Google Forms does for a new question), with its header."""
        book = load_workbook(self.path)
        sheet = book[tab]
        sheet.insert_cols(at + 1)
        _relink(sheet)
        sheet.cell(row=1, column=at + 1).value = header
        book.save(self.path)

    def add_tab(self, name: str, data: list[list[object]]) -> None:
        """A new tab holding `data` (header row first), as a form linked again makes one."""
        book = load_workbook(self.path)
        sheet = book.create_sheet(name)
        for r, row in enumerate(data, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(row=r, column=c)
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"
        book.save(self.path)

    def delete_sheet_row(self, tab: str, number: int) -> None:
        """Delete sheet row `number` (1 = the header row), as staff would."""
        book = load_workbook(self.path)
        sheet = book[tab]
        sheet.delete_rows(number)
        _relink(sheet)
        book.save(self.path)

    def delete_column(self, tab: str, at: int) -> None:
        """Delete the 0-based column `at`, as staff would."""
        book = load_workbook(self.path)
        sheet = book[tab]
        sheet.delete_cols(at + 1)
        _relink(sheet)
        book.save(self.path)

    def rename_tab(self, name: str, new_name: str) -> None:
        book = load_workbook(self.path)
        book[name].title = new_name
        book.save(self.path)

    def cells(self) -> list[tuple[str, object, bool]]:
        """Every non-empty cell of every tab: (tab, value, is it a formula?)."""
        book = self._book()
        return [
            (sheet.title, cell.value, cell.data_type == "f")
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]


def _relink(sheet: Worksheet) -> None:
    """Links move with their cells, as in LibreOffice (openpyxl's row and column moves leave them behind)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


# A document's name in the Google folder -> its key in `letter_texts` (as the local file names it).
_DOCUMENT_NAMES = {"Surat Tugas": "surat-tugas", "Surat Rujukan": "surat-rujukan",
                   "Laporan Hasil Penjangkauan": "laporan-penjangkauan", "Kronologi Kejadian": "kronologi-kejadian",
                   "Laporan Akhir Penanganan Kasus": "laporan-akhir"}


def template_lines(kind: str) -> list[str]:
    """The shipped .docx template's text, as the Google Docs copy of it holds it."""

    return docx_text(TEMPLATES / f"{kind}.docx").split("\n")


def response_row(**answers: object) -> dict[str, object]:
    """A plausible complete response; keyword arguments override answers."""

    base: dict[str, object] = {
        "timestamp": datetime(2026, 11, 28, 9, 30),
        "channel": "Formulir online",
        "reporter_name": "Pelapor Contoh",
        "reporter_relation": "Tetangga",
        "reporter_phone": "0812-3456-7890",
        "wa_safe": "Ya",
        "victim_name": "Korban Contoh",
        "victim_sex": "Perempuan",
        "victim_age": "12",
        "kecamatan": "Singkawang Barat",
        "kelurahan": "Pasiran",
        "victim_address": "Jl. Contoh No. 1",
        "violence_types": "Fisik, Psikis",
        "story": "Korban sering dipukul di rumah.",
        "in_danger": "Tidak",
        "consent": "Saya setuju",
    }
    unknown = set(answers) - set(FIELDS)
    assert not unknown, unknown
    return base | answers


def headers_of(table: Sequence[Sequence[object]]) -> list[object]:
    return list(table[0]) if table else []


def after_first(method: str, action: Callable[..., None]) -> Callable[..., None]:
    """A double hook that acts once, as staff would, just before the first request of `method`."""
    done: list[bool] = []

    def hook(double: object, method_id: str, request: object) -> None:
        if method_id == method and not done:
            done.append(True)
            action(double)

    return hook


class GoogleBackend:
    """The office's Google spreadsheet, over the in-process API double (googledouble/)."""

    name = "google"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.double = GoogleDouble(locale="id_ID", time_zone="Asia/Jakarta")
        self.client = self.double.gspread_client()
        self.spreadsheet_id = ""
        self.max_request_bytes = 2_000_000  # worker.max_request_bytes (tests set it smaller)

    def create(self, rows: list[dict[str, object]], settings: Settings,
               tab: str = "Respons Formulir 1") -> None:
        questions = settings.form.questions
        data: list[list[object]] = [[questions[f] for f in FIELDS]]
        data += [[None if row.get(f) == "" else row.get(f) for f in FIELDS] for row in rows]
        self.spreadsheet_id = google_spreadsheet(self.double, tab, data)

    def store(self) -> Store:
        return GoogleStore(self.client, self.spreadsheet_id, retry=RetryPolicy(sleep=lambda _: None),
                           max_request_bytes=self.max_request_bytes)

    def writer(self) -> LetterWriter:
        if not hasattr(self, "_letters"):
            drive = self.double.create_shared_drive("SAPA")
            folder = self.double.create_folder("Surat SAPA", drive, app_created=True)
            templates = {kind: self.double.create_document(f"Template {kind}", template_lines(kind), parents=[folder],
                                                           drive_id=drive, app_created=True)
                         for kind in TEMPLATE_KINDS}
            self._letters = (folder, templates)
        folder, templates = self._letters
        return GoogleLetterWriter(self.double.service("drive", "v3"), self.double.service("docs", "v1"), folder,
                                  templates, retry=RetryPolicy(sleep=lambda _: None))

    def letter_texts(self) -> dict[str, list[str]]:
        """Current (not trashed) letter Docs by '<case>-<surat-tugas|surat-rujukan>'."""
        if not hasattr(self, "_letters"):
            return {}
        folder, templates = self._letters
        out: dict[str, list[str]] = {}
        for file in self.double.files.values():
            if folder in file.parents and not file.trashed and file.id not in templates.values():
                case, rest = file.name.split(" ", 1)
                kind = next(k for name, k in _DOCUMENT_NAMES.items() if rest.startswith(name))
                out.setdefault(f"{case}-{kind}", []).append(self.double.document_text(file.id))
        return out

    def tabs(self) -> list[str]:
        return list(self.double.sheet_titles(self.spreadsheet_id))

    def tab(self, name: str, *, raw: bool = False) -> list[list[object]]:
        """The tab's values as openpyxl gives them: a date cell (a number with a date format) as a datetime;
        `raw`: as the worker reads them (a date cell as its serial number)."""
        values = self.double.get_values(self.spreadsheet_id, name)
        values = _without_fingerprints(name, values)
        if raw:
            return [[None if v == "" else v for v in row] for row in values]
        sheet = self.double.spreadsheets[self.spreadsheet_id].by_title(name)
        assert sheet is not None

        def shown(r: int, c: int, v: object) -> object:
            if v == "":
                return None
            fmt = ((sheet.get(r, c) or {}).get("userEnteredFormat") or {}).get("numberFormat") or {}
            if fmt.get("type") in ("DATE", "DATE_TIME") and isinstance(v, int | float):
                return from_serial(float(v))
            return v

        return [[shown(r, c, v) for c, v in enumerate(row)] for r, row in enumerate(values)]

    def _row(self, tab: str, key_header: str, key: str) -> tuple[int, list[object]]:
        values = self.tab(tab)
        column = values[0].index(key_header)
        for number, row in enumerate(values[1:], start=2):
            if column < len(row) and row[column] == key:
                return number, values[0]
        raise KeyError(key)

    def type_into(self, tab: str, key_header: str, key: str, header: str, value: object) -> None:
        number, headers = self._row(tab, key_header, key)
        self.double.staff_type(self.spreadsheet_id, tab, cell_name(number - 1, headers.index(header)), value)

    def insert_row(self, tab: str, before: int, values: Sequence[object] = ()) -> None:
        self.double.staff_insert_rows(self.spreadsheet_id, tab, before)
        for column, value in enumerate(values):
            if value is not None:
                self.double.staff_type(self.spreadsheet_id, tab, cell_name(before - 1, column), value)

    def sort_rows(self, tab: str, header: str, reverse: bool = False) -> None:
        column = self.tab(tab)[0].index(header)
        self.double.staff_sort(self.spreadsheet_id, tab, column, descending=reverse)

    def link(self, tab: str, key_header: str, key: str, header: str) -> str | None:
        """Where the cell's link leads: its cell-level `textFormat.link` (None: no link)."""
        number, headers = self._row(tab, key_header, key)
        sheet = self.double.spreadsheets[self.spreadsheet_id].by_title(tab)
        assert sheet is not None
        raw = sheet.get(number - 1, headers.index(header)) or {}
        uri = ((raw.get("userEnteredFormat") or {}).get("textFormat") or {}).get("link", {}).get("uri")
        return str(uri) if uri else None

    def delete_row(self, tab: str, key_header: str, key: str) -> None:
        number, _ = self._row(tab, key_header, key)
        self.double.staff_delete_rows(self.spreadsheet_id, tab, number)

    def cells(self) -> list[tuple[str, object, bool]]:
        """Every cell with an entered value, in every tab: (tab, value as shown, is it a formula?).

        Read from what Google stores, not from the values: a formula showing "" is a formula too.
        """
        out: list[tuple[str, object, bool]] = []
        for title in self.tabs():
            sheet = self.double.spreadsheets[self.spreadsheet_id].by_title(title)
            assert sheet is not None
            for r, row in enumerate(sheet.cells):
                for c, raw in sorted(row.items()):
                    entered = (raw or {}).get("userEnteredValue")
                    if not entered:
                        continue

                    view = self.double.cell(self.spreadsheet_id, title, cell_name(r, c))
                    out.append((title, view.formatted, "formulaValue" in entered and not _fingerprint(sheet, r, c)))
        return out

    def set_cell(self, tab: str, row: int, column: int, value: object) -> None:
        self.double.staff_type(self.spreadsheet_id, tab, cell_name(row - 1, column), value)

    def insert_column(self, tab: str, at: int, header: str) -> None:
        sheet = self.double.spreadsheets[self.spreadsheet_id].by_title(tab)
        assert sheet is not None
        self.double._staff_batch(self.spreadsheet_id, [{"insertDimension": {
            "range": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS", "startIndex": at, "endIndex": at + 1},
            "inheritFromBefore": at > 0}}])
        self.set_cell(tab, 1, at, header)

    def delete_sheet_row(self, tab: str, number: int) -> None:
        self.double.staff_delete_rows(self.spreadsheet_id, tab, number)

    def delete_column(self, tab: str, at: int) -> None:
        sheet = self.double.spreadsheets[self.spreadsheet_id].by_title(tab)
        assert sheet is not None
        self.double._staff_batch(self.spreadsheet_id, [{"deleteDimension": {
            "range": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS", "startIndex": at, "endIndex": at + 1}}}])

    def rename_tab(self, name: str, new_name: str) -> None:
        self.double.staff_rename_sheet(self.spreadsheet_id, name, new_name)

    def add_tab(self, name: str, data: list[list[object]]) -> None:
        self.double.staff_add_sheet(self.spreadsheet_id, name)
        for r, row in enumerate(data, start=1):
            for c, value in enumerate(row):
                if value is not None:
                    self.set_cell(name, r, c, value)


def _without_fingerprints(title: str, values: list[list[Any]]) -> list[list[Any]]:
    """A tab's values without the worker's hidden change-detection block (`Panduan` X:Z): they sum up the
    other tabs' contents in their row order, which runs that end the same may reach in another order."""

    if title != workspace.GUIDE_TAB:
        return values
    return [row[:google_changes.FIRST_COLUMN] for row in values]


def _fingerprint(sheet: Any, row: int, column: int) -> bool:
    """Is this cell the worker's own change-detection formula (sync/stores/google_changes.py), exactly as
    the worker writes it for the tab named beside it? Any other formula counts as a formula."""

    if sheet.title != workspace.GUIDE_TAB or column != google_changes.FIRST_COLUMN + 2:
        return False
    cells = [((sheet.get(row, c) or {}).get("userEnteredValue") or {}) for c in range(column - 2, column + 1)]
    title, columns, entered = cells[0].get("stringValue"), cells[1].get("stringValue"), cells[2]
    return bool(title and columns and columns.isdigit()
                and entered.get("formulaValue") == google_changes.formula(title, int(columns)))
