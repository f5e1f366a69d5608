"""The local store: an .xlsx workbook standing in for the office's Google spreadsheet.

Saving is atomic (a temporary file beside the workbook, then a rename), so a crash
leaves the old workbook or the new one, never half of one. The worker refuses to
save while LibreOffice or Excel has the workbook open, and if the file changed on
disk since the cycle read it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal
from zipfile import BadZipFile, ZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter, CustomFilter, CustomFilters, FilterColumn, Filters
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from letters.files import DISK, Disk, remove_stale_temporaries
from rules.errors import InputError, SapaError, StructureError, TransientError
from sync.stores import separators, workspace
from sync.stores.a1 import column_letter
from sync.stores.cells import LOCAL_DAY, LOCAL_MOMENT
from sync.stores.local_charts import draw_charts, record_charts
from sync.stores.responses import fingerprint, response_tab_names
from sync.stores.store import (
    AppendRow,
    EnsureTab,
    Link,
    Look,
    MarkResponse,
    Snapshot,
    Table,
    UpdateRow,
    Value,
    WritePlan,
)
from sync.stores.text import cell_text
from sync.stores.xlsx_rows import sheet_values

log = logging.getLogger(__name__)

XLSX_MAX_CHARS = 32767
_FONT_NAME, _FONT_SIZE = workspace.XLSX_FONT  # every font names the body's font and size (workspace.py)
_HEADER_FONT = Font(name=_FONT_NAME, size=_FONT_SIZE, bold=True)
_LINK_FONT = Font(name=_FONT_NAME, size=_FONT_SIZE, color="0563C1", underline="single")  # as a hyperlink shows
_PLAIN_FONT = Font(name=_FONT_NAME, size=_FONT_SIZE)
_DATE_ALIGNMENT = Alignment(horizontal="left", vertical="top")  # as the text beside it, not a number's right
_STAFF_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: "staff fill this in"


Moment = Literal["read", "write", "save"]


class LocalStore:
    """A workbook on disk. `read` then `write`, once each per cycle.

    `at`, if given, is called at three moments of a cycle: "read" (the file just loaded),
    "write" (before the write looks at the file again) and "save" (the plan applied, the file not
    yet saved). The self-test saves staff edits there, as a person at LibreOffice might. `disk`
    makes every write of a save (letters/files.py): the self-test fails them there.
    """

    def __init__(self, path: Path, responses_tab: str | None = None, *,
                 at: Callable[[Moment], None] | None = None, disk: Disk = DISK) -> None:
        self.path = path
        self._disk = disk
        self._responses_tab = responses_tab
        self._at = at or (lambda moment: None)
        self._read = False
        self._stamp: tuple[int, int] | None = None

    # --- reading --------------------------------------------------------------------

    def read(self, worker_tabs: Sequence[str]) -> Snapshot:
        """A streaming, values-only read: a cycle with nothing to write never loads the whole workbook."""
        # Stamped before loading: a save by staff while the file loads then shows at write time.
        stamp = self._file_stamp() if self.path.exists() else None
        book = self._load(read_only=True)
        self._at("read")
        try:
            responses = tuple(_table(book[name]) for name in self.responses_tab_names(book))
            tabs = {name: _table(book[name]) for name in worker_tabs if name in book.sheetnames}
        finally:
            book.close()
        self._stamp = stamp
        self._read = True
        return Snapshot(response_tabs=responses, tabs=tabs)

    def responses_tab_names(self, book: Workbook) -> list[str]:
        return response_tab_names(book.sheetnames, self._responses_tab, f"the workbook {self.path.name}")

    def _load(self, *, read_only: bool = False) -> Workbook:
        if not self.path.exists():
            raise InputError(
                f"workbook not found: {self.path}. Give the workbook the form responses are in "
                "with --workbook FILE.xlsx, or make a sample one with `python -m sync demo`."
            )
        try:
            if read_only:  # read at once: a streamed book reads lazily, and staff may save in place meanwhile
                stamp = self._file_stamp()
                content = self.path.read_bytes()
                if self._file_stamp() != stamp:
                    raise TransientError(f"{self.path.name} changed while it was being read; the next cycle "
                                         "reads it again.")
                return load_workbook(io.BytesIO(content), read_only=True)
            return load_workbook(self.path)
        except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as err:
            raise InputError(
                f"cannot open {self.path} as an .xlsx workbook ({type(err).__name__}). "
                "Save it from LibreOffice or Excel as 'Excel 2007-365 (.xlsx)' and try again."
            ) from None

    def _file_stamp(self) -> tuple[int, int]:
        info = self.path.stat()
        return info.st_mtime_ns, info.st_size

    # --- writing --------------------------------------------------------------------

    def request_bytes(self, plan: WritePlan) -> None:
        """No request: every write loads and saves the whole workbook, whatever the plan's size."""
        return None

    def write(self, plan: WritePlan) -> None:
        """Load the whole workbook (only now: an idle cycle never does), apply, save atomically.

        The file must still be the one `read` saw: the plan was made from that.
        """
        self._at("write")
        if not plan:
            return
        if not self._read:
            raise SapaError("internal error: write() before read(); the cycle must read first")
        self._check_unchanged()
        self._read = False  # one write per read
        book = self._load()
        _apply(book, plan)
        self._at("save")
        self._save(book)

    def _check_unchanged(self) -> None:
        """Refuse to replace a workbook that is open, or that staff saved since the cycle read it."""
        self.check_not_open()
        if self._file_stamp() != self._stamp:
            raise TransientError(
                f"{self.path.name} changed on disk during the cycle; nothing was written. "
                "The next cycle starts again from the saved workbook."
            )

    def check_not_open(self) -> None:
        """Refuse to write while an office program has the workbook open."""
        lock = lock_file(self.path)
        if lock:
            raise TransientError(
                f"{self.path.name} is open in LibreOffice or Excel (lock file {lock}); nothing was written. "
                "Close the workbook there; the next cycle will write the changes."
            )
        if not self.path.exists():
            raise TransientError(
                f"{self.path} was moved or deleted during the cycle; nothing was written. Put it back; "
                "the next cycle starts again from it."
            )
        if not self._disk.writable(self.path):
            raise InputError(
                f"{self.path} is read-only; nothing was written. Make it writable "
                "(file properties / chmod u+w) or copy it somewhere writable."
            )

    def _save(self, book: Workbook) -> None:
        remove_stale_temporaries(self.path.parent, f".{self.path.name}.")
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            _save_workbook(book, self._disk.zip_writer(temporary))
            with open(temporary, "rb+") as handle:
                self._disk.fsync(handle.fileno())
            shutil.copymode(self.path, temporary)
            self._check_unchanged()  # again: staff may have saved while this save was being built
            self._disk.replace(temporary, self.path)
        except OSError as err:
            with contextlib.suppress(OSError):
                temporary.unlink()
            if err.errno == errno.ENOSPC:
                raise SapaError(
                    f"the disk holding {self.path.parent} is full; the workbook was not changed. "
                    "Free some space; the next cycle will write the changes."
                ) from None
            raise SapaError(
                f"cannot save {self.path}: {err.strerror}; the workbook was not changed. "
                "Check that its folder is writable."
            ) from None
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        _sync_folder(self.path.parent, self._disk)
        self._stamp = self._file_stamp()


def lock_file(path: Path) -> str | None:
    """The lock file LibreOffice or Excel keeps beside a document it has open, if there is one."""
    name = path.name
    for lock in (f".~lock.{name}#", f"~${name}", f"~${name[2:]}"):
        if (path.parent / lock).exists():
            return lock
    return None


def _save_workbook(book: Workbook, archive: ZipFile) -> None:
    """openpyxl's `Workbook.save`, into a zip the store's Disk made."""
    book.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    ExcelWriter(book, archive).save()


def _sync_folder(folder: Path, disk: Disk) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        disk.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- reading a sheet ------------------------------------------------------------------


def _table(sheet: ReadOnlyWorksheet) -> Table:
    """The tab's values, read from its XML (sync/stores/xlsx_rows.py), every row there is whatever
    size the workbook records; and what an older worker left there to replace (`_stale`)."""
    xml = sheet.parent._archive.read(sheet._worksheet_path)
    rows = sheet_values(xml, sheet)
    width = max((len(r) for r in rows), default=0)
    headers = tuple(cell_text(h) or "" for h in rows[0]) if rows else ()
    data: list[tuple[object, ...]] = []
    numbers: list[int] = []
    for number, row in enumerate(rows[1:], start=2):
        if any(v is not None and v != "" for v in row):
            data.append(tuple(row) + (None,) * (width - len(row)))
            numbers.append(number)
    return Table(sheet.title, headers, tuple(data), tuple(numbers), *_stale(xml))


_INLINE_LIST = re.compile(rb'<(?:\w+:)?formula1>\s*(?:"|&quot;)')
_AUTO_FILTER = re.compile(rb"<(?:\w+:)?autoFilter\b")
_FIT_TO_PAGE = re.compile(rb'<(?:\w+:)?pageSetUpPr\b[^>]*\bfitToPage="(?:1|true)"')


def _stale(xml: bytes) -> tuple[bool, bool]:
    """(inline dropdowns, no look) in a sheet's XML: what an older worker left that the next
    EnsureTab replaces. Dropdowns written inline (a comma became ';', long lists were left
    out) show as a quoted list formula; a tab without a filter, or that does not print fit to
    the page's width, lacks the workspace's look (sync/stores/workspace.py gives every tab one;
    the print setup came with the look of issue 25: rows that fit their text, the role's queue)."""
    look = _holds(xml, _AUTO_FILTER, b"autoFilter") and _holds(xml, _FIT_TO_PAGE, b"pageSetUpPr")
    return _holds(xml, _INLINE_LIST, b"formula1>"), not look


def _holds(xml: bytes, element: re.Pattern[bytes], name: bytes) -> bool:
    """`element.search(xml)`, tried only where `name` occurs: a regular expression run over the
    whole of a large sheet costs more than reading its cells. A match starts at the last '<'
    before its name."""
    at = xml.find(name)
    while at != -1:
        start = xml.rfind(b"<", 0, at)
        if start != -1 and element.match(xml, start):
            return True
        at = xml.find(name, at + 1)
    return False


# --- applying a plan ------------------------------------------------------------------


class _Sheet:
    """One sheet being written, with its header row and last row kept in memory.

    openpyxl computes a sheet's width by scanning every cell, so asking it per cell
    would make a cycle quadratic in the number of rows.
    """

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        width = sheet.max_column
        self.headers = [cell_text(c.value) or "" for c in next(sheet.iter_rows(max_row=1, max_col=width))]
        self.next_row = _last_row(sheet) + 1
        self._wraps: dict[str, bool] = {}
        self.touched: set[int] = set()  # rows written: their heights are fitted to their text again
        # The wrap style's index in the workbook, added once: openpyxl hashes a style each time one is set
        # on a cell (a third of a 5,000-case first cycle); its StyleArray takes the index as it is.
        self._wrap_id: int = sheet.parent._alignments.add(_WRAP)

    def column(self, header: str, *, create: bool = False) -> int:
        if header in self.headers:
            return self.headers.index(header) + 1
        if not create:
            raise StructureError(f"tab '{self.sheet.title}' has no column '{header}'")
        used = [i for i, h in enumerate(self.headers) if h]
        column = (used[-1] + 2) if used else 1
        self.headers += [""] * (column - len(self.headers))
        self.headers[column - 1] = header
        cell = self.sheet.cell(row=1, column=column)
        _put(cell, header)
        cell.font = _HEADER_FONT
        return column

    def wraps(self, letter: str) -> bool:
        """Does the tab's look wrap this column (see `_dress`)? New cells then wrap too. Asked once per
        column: nothing changes a column's look while the sheet is written (an EnsureTab starts anew)."""
        if letter not in self._wraps:
            dimensions = self.sheet.column_dimensions
            self._wraps[letter] = letter in dimensions and bool(dimensions[letter].alignment.wrap_text)
        return self._wraps[letter]

    def row_values(self, row: int) -> tuple[object, ...]:
        width = max(len(self.headers), 1)
        return next(self.sheet.iter_rows(min_row=row, max_row=row, max_col=width, values_only=True))

    def find(self, header: str, key: str, hint: int) -> int:
        column = self.column(header)
        if cell_text(self.sheet.cell(row=hint, column=column).value) == key:
            return hint
        for row, (value,) in enumerate(
            self.sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True), start=2
        ):
            if cell_text(value) == key:
                return row
        raise TransientError(f"row of {key} not found in tab '{self.sheet.title}'; the next cycle retries")

    def put_row(self, row: int, cells: Sequence[tuple[str, Value]]) -> None:
        for header, value in cells:
            cell = self.sheet.cell(row=row, column=self.column(header, create=True))
            _put(cell, value)
            if (isinstance(value, str) and "\n" in value) or self.wraps(cell.column_letter):
                if not cell._style:  # a cell openpyxl made without styles: the slow way makes its StyleArray
                    cell.alignment = _WRAP
                else:
                    cell._style.alignmentId = self._wrap_id  # cell.alignment = _WRAP, without hashing it again
        self.touched.add(row)
        self.next_row = max(self.next_row, row + 1)


def _apply(book: Workbook, plan: WritePlan) -> None:
    sheets: dict[str, _Sheet] = {}

    def sheet(name: str) -> _Sheet:
        if name not in sheets:
            sheets[name] = _Sheet(book[name])
        return sheets[name]

    for op in plan.operations:
        if isinstance(op, EnsureTab):
            _ensure_tab(book, op)
            sheets.pop(op.tab, None)
        elif isinstance(op, UpdateRow):
            target = sheet(op.tab)
            target.put_row(target.find(op.key_header, op.key, op.row_hint), op.cells)
        elif isinstance(op, AppendRow):
            target = sheet(op.tab)
            target.put_row(target.next_row, op.cells)
        elif isinstance(op, MarkResponse):
            target = sheet(op.tab)
            column = target.column(op.marker_header, create=True)
            _put(target.sheet.cell(row=_find_response(target, op), column=column), op.marker)
    for written in sheets.values():
        _refilter(written.sheet)  # a case that finished leaves the working view
        if written.touched:
            _fit_rows(written.sheet, sorted(written.touched))
    draw_charts(book)  # the load kept no faithful chart: every save draws them again


def _ensure_tab(book: Workbook, op: EnsureTab) -> None:
    new = op.tab not in book.sheetnames
    target = _Sheet(book.create_sheet(op.tab) if new else book[op.tab])
    sheet = target.sheet
    for header in op.headers:
        column = target.column(header, create=True)
        cell = sheet.cell(row=1, column=column)
        if header in op.staff_headers:
            cell.fill = _STAFF_FILL
        if new and op.look is None:
            width = 14 if len(header) < 12 else min(40, len(header) + 4)
            sheet.column_dimensions[column_letter(column)].width = width
    sheet.freeze_panes = "B2"
    for dropdown in op.dropdowns:
        column = target.column(dropdown.header)
        _set_dropdown(book, sheet, column, f"{op.tab}: {dropdown.header}", dropdown.choices)
    if op.look is not None:
        _dress(target, op.look)
        if op.look.charts:
            record_charts(book, op.tab, op.look.charts)
    if new and op.look is not None and op.look.first:
        _open_on(book, sheet)


def _open_on(book: Workbook, sheet: Worksheet) -> None:
    """Make `sheet` the first tab and the one the workbook opens on."""
    book.move_sheet(sheet, offset=-book.index(sheet))
    for other in book.worksheets:
        other.sheet_view.tabSelected = other is sheet
    book.active = 0


# --- the workspace's look (sync/stores/workspace.py) ------------------------------------------------

_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_LOOK_ROWS = 5000  # rows below the last one in use that colours and dropdowns cover


def _dress(target: _Sheet, look: Look) -> None:
    """Give the tab its look: frozen columns, widths, wrapping, notes, hidden columns, colours, a filter."""
    sheet = target.sheet
    columns = {h: i + 1 for i, h in enumerate(target.headers) if h}
    sheet.freeze_panes = sheet.cell(row=2, column=look.frozen_columns + 1).coordinate
    for header, chars in look.widths:
        if header in columns:
            sheet.column_dimensions[column_letter(columns[header])].width = chars
    for header, column in columns.items():
        dimension = sheet.column_dimensions[column_letter(column)]
        dimension.hidden = header in look.hidden
        wrap = header in look.wrapped
        dimension.alignment = _WRAP if wrap else _TOP
        sheet.cell(row=1, column=column).font = _HEADER_FONT
        for (cell,) in sheet.iter_rows(min_row=1, max_row=max(sheet.max_row, 1), min_col=column, max_col=column):
            cell.alignment = _WRAP if wrap or cell.row == 1 else _TOP
    _fit_rows(sheet)
    _print_setup(sheet, look)
    for header, text in look.notes:
        if header in columns:
            note = Comment(text, "SAPA")
            note.width, note.height = 300, 160
            sheet.cell(row=1, column=columns[header]).comment = note
    _colour(sheet, columns, look)
    _filter(sheet, columns, look)
    _refilter(sheet)


def _fit_rows(sheet: Worksheet, rows: Iterable[int] | None = None) -> None:
    """Each row as tall as its wrapped text, estimated from the column widths (every row, or `rows`).

    LibreOffice does not fit a row of an .xlsx file to its text when it opens it (rendered: a row with
    no height shows one or two lines of a long wrapped cell), so the worker writes the height each row
    needs whenever it writes the row. An older worker fixed every row at 45 points (three lines)."""
    sheet.sheet_format.customHeight = False
    sheet.sheet_format.defaultRowHeight = _LINE_POINTS
    wraps = [(column, dimension.width or 13.0) for letter, dimension in sheet.column_dimensions.items()
             if dimension.alignment is not None and dimension.alignment.wrap_text and not dimension.hidden
             for column in (column_index_from_string(letter),)]
    for row in rows if rows is not None else range(1, max(sheet.max_row, 1) + 1):
        lines = max((_lines(sheet.cell(row=row, column=c).value, width) for c, width in wraps), default=1)
        height = min(_MAX_POINTS, lines * _LINE_POINTS + 3) if lines > 1 else None
        if sheet.row_dimensions[row].height != height:
            sheet.row_dimensions[row].height = height


_LINE_POINTS = 15  # one line of the body's font (Calibri 11)
_MAX_POINTS = 409  # the tallest row a spreadsheet allows


def _lines(value: object, width: float) -> int:
    """How many lines `value` takes wrapped in a column `width` characters wide (an estimate: a character
    of the body's font is narrower than the width's unit, a word does not break)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(4, int(width * 1.1))
    return sum(max(1, -(-len(paragraph) // per_line)) for paragraph in value.split("\n"))


_PAGE_CHARS = 270  # column-width characters one landscape A4 page holds at half size, the smallest readable


def _print_setup(sheet: Worksheet, look: Look) -> None:
    """Landscape, fit to the page's width (as many pages down as it takes), the header row on every page.
    A tab too wide to read on one page (a role tab's 40 columns) is as many pages wide as keep it at half
    size or more, the case ID repeated at the left of each."""
    shown = sum(chars for header, chars in look.widths if header not in look.hidden)
    wide = max(1, -(-shown // _PAGE_CHARS))
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = wide
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    if wide > 1:
        sheet.print_title_cols = "A:A"


def _colour(sheet: Worksheet, columns: dict[str, int], look: Look) -> None:
    """Conditional formats, each reading its row's own cell: they follow rows that staff sort."""
    sheet.conditional_formatting = ConditionalFormattingList()
    last_row = sheet.max_row + _LOOK_ROWS
    width = max(columns.values(), default=1)
    own = {columns[r.header] for r in look.highlights if r.cell and r.header in columns}
    for priority, rule in enumerate(look.highlights, start=1):
        if rule.header not in columns:
            continue
        letter = column_letter(columns[rule.header])
        if rule.cell:
            cells = f"{letter}2:{letter}{last_row}"
        else:  # a row colour after the first leaves the cells that have their own colour (LibreOffice
            # lets the first range listed win where ranges overlap, whatever the rules' priority)
            skip = own if priority > 1 else set()
            cells = " ".join(f"{column_letter(a)}2:{column_letter(b - 1)}{last_row}"
                             for a, b in _runs_without(width, skip))
        font = Font(color="808080") if rule.grey_text else None
        formula = workspace.highlight_formula(letter, 2, rule.values, sep=separators.XLSX)
        made = FormulaRule(formula=[formula], fill=PatternFill("solid", bgColor=rule.color), font=font)
        made.priority = priority
        sheet.conditional_formatting.add(cells, made)
    if look.heartbeat is not None and look.heartbeat.header in columns:
        beat = look.heartbeat
        letter = column_letter(columns[beat.header])
        cell = sheet[f"{letter}{beat.row}"]
        cell.number_format = LOCAL_MOMENT
        cell.alignment = Alignment(horizontal="left", vertical="top")
        stale = FormulaRule(formula=[workspace.heartbeat_formula(letter, beat.row, beat.stale_minutes,
                                                                    sep=separators.XLSX)],
                            fill=PatternFill("solid", bgColor="E06666"), font=Font(bold=True, color="FFFFFF"))
        sheet.conditional_formatting.add(cell.coordinate, stale)


def _runs_without(width: int, skip: set[int]) -> list[tuple[int, int]]:
    """Runs [a, b) of the columns 1..width that are not in `skip`."""
    runs: list[tuple[int, int]] = []
    for column in range(1, width + 1):
        if column in skip:
            continue
        if runs and runs[-1][1] == column:
            runs[-1] = (runs[-1][0], column + 1)
        else:
            runs.append((column, column + 1))
    return runs


def _filter(sheet: Worksheet, columns: dict[str, int], look: Look) -> None:
    """A filter on the header row; its criteria hide the values `look.filter_hides` names, or show only
    those `look.filter_shows` names (a role's queue)."""
    last = column_letter(max(columns.values(), default=1))
    sheet.auto_filter = AutoFilter(ref=f"A1:{last}{max(_last_row(sheet), 2)}")
    for header, hidden in look.filter_hides:
        if header in columns and hidden:
            tests = [CustomFilter(operator="notEqual", val=v) for v in hidden[:2]]  # .xlsx allows two
            sheet.auto_filter.filterColumn.append(FilterColumn(
                colId=columns[header] - 1, customFilters=CustomFilters(_and=True, customFilter=tests)))
    for header, shown in look.filter_shows:
        if header in columns and shown:
            sheet.auto_filter.filterColumn.append(FilterColumn(
                colId=columns[header] - 1, filters=Filters(filter=list(shown))))


def _refilter(sheet: Worksheet) -> None:
    """Hide the rows the tab's filter hides, show the others: LibreOffice and Excel show the rows'
    hidden flags as saved and apply a filter's criteria only when someone re-applies it."""
    if not sheet.auto_filter.ref:
        return
    hides = {col.colId + 1: {f.val for f in col.customFilters.customFilter if f.operator == "notEqual"}
             for col in sheet.auto_filter.filterColumn if col.customFilters is not None}
    shows = {col.colId + 1: set(col.filters.filter) for col in sheet.auto_filter.filterColumn
             if col.filters is not None and col.filters.filter}
    last = _last_row(sheet)
    sheet.auto_filter.ref = f"A1:{column_letter(CellRange(sheet.auto_filter.ref).max_col)}{max(last, 2)}"
    hide = dict.fromkeys(range(2, last + 1), False)
    for column, hidden in hides.items():
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=column, max_col=column):
            hide[cell.row] |= cell_text(cell.value) in hidden
    for column, shown in shows.items():
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=column, max_col=column):
            hide[cell.row] |= cell_text(cell.value) not in shown
    if not (hides or shows):
        return
    for row, hidden_row in hide.items():
        if sheet.row_dimensions[row].hidden != hidden_row:
            sheet.row_dimensions[row].hidden = hidden_row


# --- dropdowns --------------------------------------------------------------------------

LIST_TAB = "Daftar Pilihan"  # hidden; the values of every dropdown, one column per list
_DROPDOWN_MESSAGE = "Pilih salah satu pilihan dari daftar."
_DROPDOWN_ROWS = 5000  # rows below the last one in use that a new dropdown covers


def _set_dropdown(book: Workbook, sheet: Worksheet, column: int, name: str, choices: Sequence[str]) -> None:
    """Make the column's one dropdown offer exactly `choices`, read from a range on the list tab.

    An inline .xlsx list is one quoted, comma-separated string of at most 255 characters:
    a choice with a comma would be offered as two, and a long list would not fit. Any
    earlier list on the column (an inline one the old code wrote) is replaced, not stacked.
    """
    _remove_lists(sheet, column)
    if not choices:
        return
    letter = column_letter(column)
    validation = DataValidation(
        type="list", formula1=_write_list(book, name, choices), allow_blank=True,
        showErrorMessage=True, showInputMessage=True, errorStyle="stop",
        errorTitle="Pilihan tidak dikenal", error=_DROPDOWN_MESSAGE, prompt=_DROPDOWN_MESSAGE,
    )
    validation.add(f"{letter}2:{letter}{sheet.max_row + _DROPDOWN_ROWS}")
    sheet.add_data_validation(validation)


def _remove_lists(sheet: Worksheet, column: int) -> None:
    """Take the column (below its header) out of every list validation; drop those left empty."""
    kept = []
    for validation in sheet.data_validations.dataValidation:
        if validation.type == "list":
            ranges = [r for r in validation.sqref.ranges
                      if not (r.min_col == r.max_col == column and r.min_row >= 2)]
            if not ranges:
                continue
            validation.sqref = MultiCellRange(ranges)
        kept.append(validation)
    sheet.data_validations.dataValidation = kept


def _write_list(book: Workbook, name: str, choices: Sequence[str]) -> str:
    """Write `choices` as text under the header `name` of the list tab; their absolute range."""
    lists = book[LIST_TAB] if LIST_TAB in book.sheetnames else book.create_sheet(LIST_TAB)
    lists.sheet_state = "hidden"
    if book.active is lists:
        book.active = 0
    column = _Sheet(lists).column(name, create=True)
    for row, choice in enumerate(choices, start=2):
        _put(lists.cell(row=row, column=column), choice)
    for row in range(len(choices) + 2, lists.max_row + 1):  # a list that got shorter
        lists.cell(row=row, column=column).value = None
    letter = column_letter(column)
    return f"{quote_sheetname(LIST_TAB)}!${letter}$2:${letter}${len(choices) + 1}"


def _find_response(target: _Sheet, op: MarkResponse) -> int:
    def matches(row: int) -> bool:
        return fingerprint(target.headers, target.row_values(row), op.marker_header) == op.fingerprint

    if op.row_hint < target.next_row and matches(op.row_hint):
        return op.row_hint
    for row in range(2, target.next_row):
        if matches(row):
            return row
    raise TransientError("a response moved or changed during the cycle; the next cycle retries")


def _last_row(sheet: Worksheet) -> int:
    """The last row below the header that holds a value (1: none). Read from the cells the sheet
    holds: iterating its rows would create every missing cell of the grid, each saved again."""
    last = 1
    for (row, _), cell in sheet._cells.items():
        if row > last and cell.value not in (None, ""):
            last = row
    return last


def _put(cell: Cell, value: Value) -> None:
    """Store a value; text always as text, never as a formula; times as date cells; links clickable."""
    if cell.hyperlink is not None and not isinstance(value, Link):
        cell.hyperlink = None
        cell.font = _PLAIN_FONT
    if isinstance(value, Link):
        _put(cell, value.text)
        cell.hyperlink = value.url
        cell.font = _LINK_FONT
    elif isinstance(value, str):
        text = cell_text(value, limit=XLSX_MAX_CHARS) or ""
        cell.value = text
        cell.data_type = "s"  # openpyxl would make "=..." a formula: force text
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = LOCAL_MOMENT if isinstance(value, datetime) else LOCAL_DAY
        cell.alignment = _DATE_ALIGNMENT
    else:
        cell.value = value
