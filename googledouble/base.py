"""What the API handlers and the transports use of the double, as a Protocol: `GoogleDouble`
(double.py) implements it and routes each request to a handler (routes.py), and the handlers
(sheets_*.py, drive.py, docs.py, oauth.py) and transports take this instead of the class, so none
of them imports the module that imports them.
"""

from __future__ import annotations

import random
from contextlib import AbstractContextManager
from typing import Any, Protocol

from .document import Document
from .drive_files import DriveFile
from .model import Spreadsheet
from .wire import Request


class Double(Protocol):
    """The double's state and the helpers handlers share (ids, clock, access checks, file creation)."""

    user_email: str
    rng: random.Random
    quirks: set[str]
    service_account_without_storage: bool
    drive_file_scope: bool
    spreadsheets: dict[str, Spreadsheet]
    documents: dict[str, Document]
    files: dict[str, DriveFile]
    drives: dict[str, dict[str, Any]]
    uploads: dict[str, dict[str, Any]]
    denied: set[str]
    permission_log: list[tuple[str, dict[str, Any]]]
    revoked_refresh_tokens: set[str]
    refreshes: int

    def handle(
        self, method: str, url: str, headers: dict[str, str] | None = None, body: bytes | str | None = None
    ) -> tuple[int, dict[str, str], bytes]: ...
    def new_id(self, length: int = 44) -> str: ...
    def new_file_id(self) -> str: ...
    def new_numeric_id(self) -> str: ...
    def now(self) -> str: ...
    def book(self, spreadsheet_id: str) -> Spreadsheet: ...
    def document(self, document_id: str) -> Document: ...
    def editing(self, spreadsheet_id: str) -> AbstractContextManager[Spreadsheet]: ...
    def grow_check(self, book: Spreadsheet, added: int) -> None: ...
    def touch(self, file_id: str) -> None: ...
    def add_file(self, f: DriveFile) -> None: ...
    def visible_file(self, file_id: str, req: Request) -> DriveFile: ...
    def remove_file(self, file_id: str) -> None: ...
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
    ) -> str: ...
    def create_document(
        self,
        title: str,
        paragraphs: list[str] | tuple[str, ...] = (),
        *,
        file_id: str | None = None,
        parents: list[str] | None = None,
        drive_id: str | None = None,
        app_created: bool = False,
    ) -> str: ...
