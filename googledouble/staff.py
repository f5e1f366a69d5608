"""Direct state helpers: set up files for a test, read them back, and act as a person would.

Nothing here goes through ``handle``: these calls are not counted, logged or
subject to injected faults. They change the same state the API sees, so a
test can interleave them with the code under test (see ``on_request``).
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import values
from .a1 import cell_name, col_index, parse_ref
from .defaults import DEFAULT_PROPERTIES
from .document import Document
from .drive_files import DOC, FOLDER, SHEET, DriveFile
from .grid import Evaluator, number_format, read_values
from .model import Sheet, Spreadsheet
from .sheets_batch import Ctx, apply_requests
from .sheets_values import set_value

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from .wire import Request


@dataclass(frozen=True)
class CellView:
    """What a cell holds: the typed input, the computed value and the displayed text."""

    user_entered: dict[str, Any] | None
    effective: dict[str, Any] | None
    formatted: str | None
    number_format: dict[str, Any] | None
    note: str | None
    data_validation: dict[str, Any] | None

    @property
    def is_formula(self) -> bool:
        return bool(self.user_entered and "formulaValue" in self.user_entered)

    @property
    def formula(self) -> str | None:
        return self.user_entered.get("formulaValue") if self.user_entered else None

    @property
    def value(self) -> Any:
        """The effective value as a Python value (str, int/float, bool; None when empty)."""
        return values.python_of(self.effective)

    @property
    def is_empty(self) -> bool:
        return not self.user_entered


class StaffMixin:
    # Provided by GoogleDouble.
    rng: random.Random
    user_email: str
    default_locale: str
    default_time_zone: str
    clock: Callable[[], dt.datetime]
    spreadsheets: dict[str, Spreadsheet]
    documents: dict[str, Document]
    files: dict[str, DriveFile]
    drives: dict[str, dict[str, Any]]
    permission_log: list[tuple[str, dict[str, Any]]]

    if TYPE_CHECKING:

        def new_file_id(self) -> str: ...
        def new_id(self, length: int = 44) -> str: ...
        def now(self) -> str: ...
        def add_file(self, f: DriveFile) -> None: ...
        def touch(self, file_id: str) -> None: ...
        def editing(self, spreadsheet_id: str) -> AbstractContextManager[Spreadsheet]: ...
        def visible_file(self, file_id: str, req: Request) -> DriveFile: ...

    # ------------------------------------------------------------ creating files
    def create_spreadsheet(
        self,
        title: str,
        sheets: dict[str, list[list[Any]] | None] | None = None,
        *,
        locale: str | None = None,
        time_zone: str | None = None,
        rows: int | None = None,
        cols: int | None = None,
        file_id: str | None = None,
        parents: list[str] | None = None,
        drive_id: str | None = None,
        app_created: bool = False,
        user_entered: bool = False,
    ) -> str:
        """Create a spreadsheet (and its Drive file); returns its id.

        ``sheets`` maps tab titles to rows. Python values keep their type (``datetime`` becomes a
        date-time serial with the locale's format); strings are stored as text unless
        ``user_entered`` is set, in which case they are parsed as if typed.
        """

        spreadsheet_id = file_id or self.new_file_id()
        locale = locale or self.default_locale
        props = {
            "title": title,
            "locale": locale,
            "autoRecalc": "ON_CHANGE",
            "timeZone": time_zone or self.default_time_zone,
            **copy.deepcopy(DEFAULT_PROPERTIES),
            "_owner": self.user_email,
        }
        book = Spreadsheet(spreadsheet_id, props, [])
        for index, (sheet_title, data) in enumerate((sheets or {"Sheet1": []}).items()):
            data = data or []
            width = max((len(r) for r in data), default=0)
            sheet = Sheet.new(
                {
                    "sheetId": 0 if index == 0 else self.rng.randint(1, 2**31 - 1),
                    "title": sheet_title,
                    "index": index,
                    "sheetType": "GRID",
                    "gridProperties": {},
                },
                rows or max(1000, len(data)),
                cols or max(26, width),
            )
            for r, row in enumerate(data):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    parsed = (
                        values.parse_user_entered(value, locale) if user_entered else values.python_value(value, locale)
                    )
                    set_value(sheet, r, c, parsed)
            book.sheets.append(sheet)
        self.spreadsheets[spreadsheet_id] = book
        self.add_file(
            DriveFile(
                id=spreadsheet_id,
                name=title,
                mime_type=SHEET,
                created=self.now(),
                modified=self.now(),
                parents=parents or ["root"],
                drive_id=drive_id,
                app_created=app_created,
            )
        )
        return spreadsheet_id

    def create_document(
        self,
        title: str,
        paragraphs: list[str] | tuple[str, ...] = (),
        *,
        file_id: str | None = None,
        parents: list[str] | None = None,
        drive_id: str | None = None,
        app_created: bool = False,
    ) -> str:
        """Create a Google Doc whose body is ``paragraphs``; returns its id."""
        doc_id = file_id or self.new_file_id()
        doc = Document(doc_id, title)
        doc.set_text("".join(p + "\n" for p in paragraphs) or "\n")
        self.documents[doc_id] = doc
        self.add_file(
            DriveFile(
                id=doc_id,
                name=title,
                mime_type=DOC,
                created=self.now(),
                modified=self.now(),
                parents=parents or ["root"],
                drive_id=drive_id,
                app_created=app_created,
            )
        )
        return doc_id

    def create_folder(self, name: str, parent: str | None = None, *, app_created: bool = False) -> str:
        parent = parent or "root"
        drive_id = parent if parent in self.drives else (self.files[parent].drive_id if parent in self.files else None)
        folder_id = self.new_file_id()
        self.add_file(
            DriveFile(
                id=folder_id,
                name=name,
                mime_type=FOLDER,
                created=self.now(),
                modified=self.now(),
                parents=[parent],
                drive_id=drive_id,
                app_created=app_created,
            )
        )
        return folder_id

    def create_shared_drive(self, name: str) -> str:
        drive_id = "0A" + self.new_id(17) + "Uk9PVA"
        self.drives[drive_id] = {"kind": "drive#drive", "id": drive_id, "name": name}
        return drive_id

    def upload_file(
        self,
        name: str,
        content: bytes,
        mime_type: str,
        parent: str | None = None,
        *,
        app_created: bool = False,
    ) -> str:
        """A plain (non-Google) file, e.g. a .docx letter template a person uploaded."""
        parent = parent or "root"
        drive_id = parent if parent in self.drives else (self.files[parent].drive_id if parent in self.files else None)
        file_id = self.new_file_id()
        self.add_file(
            DriveFile(
                id=file_id,
                name=name,
                mime_type=mime_type,
                created=self.now(),
                modified=self.now(),
                parents=[parent],
                drive_id=drive_id,
                content=content,
                app_created=app_created,
            )
        )
        return file_id

    # ------------------------------------------------------------ reading state
    def _sheet(self, spreadsheet_id: str, title: str) -> tuple[Spreadsheet, Sheet]:
        book = self.spreadsheets[spreadsheet_id]
        sheet = book.by_title(title)
        if sheet is None:
            raise KeyError(f"no tab {title!r} in spreadsheet {spreadsheet_id}")
        return book, sheet

    def get_values(self, spreadsheet_id: str, title: str, render: str = "UNFORMATTED_VALUE") -> list[list[Any]]:
        """Values of a whole tab, as ``values.get`` with ``render`` returns them (trailing blanks trimmed)."""
        book, sheet = self._sheet(spreadsheet_id, title)
        return read_values(book, sheet, (0, sheet.rows, 0, sheet.cols), render, "SERIAL_NUMBER")

    def cell(self, spreadsheet_id: str, title: str, a1: str) -> CellView:
        book, sheet = self._sheet(spreadsheet_id, title)
        rect = parse_ref(a1)
        if rect is None or rect.start_row is None or rect.start_col is None:
            raise ValueError(f"not a cell: {a1}")
        raw = sheet.get(rect.start_row, rect.start_col) or {}
        effective = Evaluator(book).effective(sheet, raw)
        effective = dict(effective) if effective is not None else None
        fmt = number_format(raw)
        return CellView(
            user_entered=raw.get("userEnteredValue"),
            effective=effective,
            formatted=values.formatted_value(effective, fmt, book.props.get("locale")),
            number_format=fmt,
            note=raw.get("note"),
            data_validation=raw.get("dataValidation"),
        )

    def sheet_titles(self, spreadsheet_id: str) -> list[str]:
        return [s.title for s in self.spreadsheets[spreadsheet_id].ordered()]

    def row_metadata(self, spreadsheet_id: str, title: str) -> dict[int, list[tuple[str, str]]]:
        """1-based row number -> [(key, value)] of the developer metadata on that row now."""
        book, sheet = self._sheet(spreadsheet_id, title)
        out: dict[int, list[tuple[str, str]]] = {}
        for entry in book.metadata.values():
            where = entry["where"]
            if where[0] == "ROW" and where[1] == sheet.sheet_id:
                row = sheet.row_index(where[2]) + 1
                out.setdefault(row, []).append((entry["meta"]["metadataKey"], entry["meta"].get("metadataValue", "")))
        return out

    def document_text(self, document_id: str) -> str:
        return self.documents[document_id].text

    def permissions(self, file_id: str) -> list[dict[str, Any]]:
        return [dict(p) for p in self.files[file_id].permissions]

    def anyone_permissions(self) -> list[tuple[str, dict[str, Any]]]:
        """Every ``anyone`` permission ever created through the API (file id, permission)."""
        return [(f, p) for f, p in self.permission_log if p["type"] == "anyone"]

    # ------------------------------------------------------------ acting as staff
    def _staff_batch(self, spreadsheet_id: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with self.editing(spreadsheet_id) as book:
            return apply_requests(Ctx(book, self.rng, self.user_email), requests)

    def staff_sort(
        self,
        spreadsheet_id: str,
        title: str,
        column: int | str,
        descending: bool = False,
        header_rows: int = 1,
    ) -> None:
        """Sort the data rows below ``header_rows`` by a column (0-based index or letter), whole rows moving
        together with their developer metadata, as "Data > Sort sheet" does."""
        _, sheet = self._sheet(spreadsheet_id, title)
        last_row, _ = sheet.last_used()
        index = col_index(column) if isinstance(column, str) else column
        if last_row <= header_rows:
            return
        self._staff_batch(
            spreadsheet_id,
            [
                {
                    "sortRange": {
                        "range": {
                            "sheetId": sheet.sheet_id,
                            "startRowIndex": header_rows,
                            "endRowIndex": last_row,
                        },
                        "sortSpecs": [
                            {
                                "dimensionIndex": index,
                                "sortOrder": "DESCENDING" if descending else "ASCENDING",
                            }
                        ],
                    }
                }
            ],
        )

    def staff_insert_rows(self, spreadsheet_id: str, title: str, row: int, count: int = 1) -> None:
        """Insert ``count`` empty rows so that the first of them is row number ``row`` (1-based)."""
        _, sheet = self._sheet(spreadsheet_id, title)
        self._staff_batch(
            spreadsheet_id,
            [
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": sheet.sheet_id,
                            "dimension": "ROWS",
                            "startIndex": row - 1,
                            "endIndex": row - 1 + count,
                        },
                        "inheritFromBefore": row > 1,
                    }
                }
            ],
        )

    def staff_delete_rows(self, spreadsheet_id: str, title: str, row: int, count: int = 1) -> None:
        """Delete ``count`` rows starting at row number ``row`` (1-based); their metadata goes with them."""
        _, sheet = self._sheet(spreadsheet_id, title)
        self._staff_batch(
            spreadsheet_id,
            [
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": sheet.sheet_id,
                            "dimension": "ROWS",
                            "startIndex": row - 1,
                            "endIndex": row - 1 + count,
                        },
                    }
                }
            ],
        )

    def staff_type(self, spreadsheet_id: str, title: str, a1: str, value: Any) -> None:
        """Type ``value`` into a cell, parsed as USER_ENTERED: ``=...`` becomes a formula, ``42`` a number."""
        rect = parse_ref(a1)
        if rect is None or rect.start_row is None or rect.start_col is None:
            raise ValueError(f"not a cell: {a1}")
        with self.editing(spreadsheet_id) as book:
            sheet = book.by_title(title)
            if sheet is None:
                raise KeyError(title)
            parsed = values.parse_user_entered(value, book.props.get("locale"))
            set_value(sheet, rect.start_row, rect.start_col, parsed)

    def set_owner(self, spreadsheet_id: str, email: str) -> None:
        """The spreadsheet belongs to ``email`` (a person); the client's account stays an editor of it."""
        self.spreadsheets[spreadsheet_id].props["_owner"] = email
        permissions = self.files[spreadsheet_id].permissions
        for permission in permissions:
            if permission.get("role") == "owner":
                permission.update(role="writer")
        permissions.insert(0, {"kind": "drive#permission", "id": "11111111111111111111", "type": "user",
                               "role": "owner", "emailAddress": email, "displayName": email.split("@")[0],
                               "deleted": False, "pendingOwner": False})

    def staff_protect(self, spreadsheet_id: str, title: str, a1: str | None = None,
                      editors: list[str] | tuple[str, ...] = ()) -> int:
        """The owner protects ``a1`` (the whole tab when None): only the owner and ``editors`` may then
        edit it, through the API too. Returns the protectedRangeId."""
        _, sheet = self._sheet(spreadsheet_id, title)
        rng: dict[str, Any] = {"sheetId": sheet.sheet_id}
        rect = parse_ref(a1) if a1 else None
        if a1 and rect is None:
            raise ValueError(f"not a range: {a1}")
        if rect is not None:
            bounds = ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
            ends = (rect.start_row, rect.end_row, rect.start_col, rect.end_col)
            rng |= {k: v for k, v in zip(bounds, ends, strict=True) if v is not None}
        reply = self._staff_batch(spreadsheet_id, [{"addProtectedRange": {"protectedRange": {
            "range": rng, "editors": {"users": list(editors)}}}}])
        return int(reply[0]["addProtectedRange"]["protectedRange"]["protectedRangeId"])

    def staff_unprotect(self, spreadsheet_id: str, protected_range_id: int) -> None:
        self._staff_batch(spreadsheet_id, [{"deleteProtectedRange": {"protectedRangeId": protected_range_id}}])

    def staff_rename_sheet(self, spreadsheet_id: str, title: str, new_title: str) -> None:
        _, sheet = self._sheet(spreadsheet_id, title)
        self._staff_batch(
            spreadsheet_id,
            [
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet.sheet_id, "title": new_title},
                        "fields": "title",
                    }
                }
            ],
        )

    def staff_delete_sheet(self, spreadsheet_id: str, title: str) -> None:
        _, sheet = self._sheet(spreadsheet_id, title)
        self._staff_batch(spreadsheet_id, [{"deleteSheet": {"sheetId": sheet.sheet_id}}])

    def staff_add_sheet(self, spreadsheet_id: str, title: str, rows: list[list[Any]] | None = None) -> None:
        self._staff_batch(spreadsheet_id, [{"addSheet": {"properties": {"title": title}}}])
        for r, row in enumerate(rows or []):
            for c, value in enumerate(row):

                self.staff_type(spreadsheet_id, title, cell_name(r, c), value)

    def staff_move_column(self, spreadsheet_id: str, title: str, column: int | str, to: int | str) -> None:
        """Drag a column (0-based index or letter) so that it ends up at position ``to``."""
        _, sheet = self._sheet(spreadsheet_id, title)
        src = col_index(column) if isinstance(column, str) else column
        dst = col_index(to) if isinstance(to, str) else to
        self._staff_batch(
            spreadsheet_id,
            [
                {
                    "moveDimension": {
                        "source": {
                            "sheetId": sheet.sheet_id,
                            "dimension": "COLUMNS",
                            "startIndex": src,
                            "endIndex": src + 1,
                        },
                        "destinationIndex": dst if dst < src else dst + 1,
                    }
                }
            ],
        )

    def form_submit(
        self,
        spreadsheet_id: str,
        answers: list[Any],
        title: str | None = None,
        timestamp: dt.datetime | None = None,
    ) -> int:
        """Append a form response (timestamp, then ``answers``) as Google Forms does; returns its row.

        Without ``timestamp`` the response is stamped with the clock's time in the spreadsheet's time
        zone (``properties.timeZone``, File > Settings), as Google writes a form's timestamps."""
        with self.editing(spreadsheet_id) as book:
            sheet = book.by_title(title) if title else book.ordered()[0]
            if sheet is None:
                raise KeyError(title)
            row, _ = sheet.last_used()
            if row >= sheet.rows:
                sheet.resize(row + 1, None)
            if 1 + len(answers) > sheet.cols:
                sheet.resize(None, 1 + len(answers))
            moment = timestamp or _in_zone(self.clock(), book.props.get("timeZone"))
            locale = book.props.get("locale")
            for c, value in enumerate([moment, *answers]):
                if value is None or value == "":
                    continue
                set_value(sheet, row, c, values.python_value(value, locale))
            return row + 1


def _in_zone(moment: dt.datetime, zone: str | None) -> dt.datetime:
    """An aware time as a naive one in time zone `zone` (an IANA name; unknown or none: UTC)."""
    try:
        tz: dt.tzinfo = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(tz).replace(tzinfo=None)
