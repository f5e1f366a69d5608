"""URL routing: (HTTP method, host, raw path) -> API method id and handler.

Method ids are the ones in Google's discovery documents (``sheets.spreadsheets.values.get``),
so request counts read like the API's own quota categories.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from . import docs, drive, oauth, sheets_api, sheets_batch, sheets_values
from .base import Double
from .errors import unimplemented
from .wire import Request, Response

Handler = Callable[[Double, Request], Response]

SHEETS = "sheets.googleapis.com"
DRIVE = "www.googleapis.com"
DOCS = "docs.googleapis.com"

_ID = r"(?P<spreadsheetId>[^/:]+)"
_FILE = r"(?P<fileId>[^/:]+)"


def _unsupported(what: str) -> Handler:
    def handler(double: Double, req: Request) -> Response:
        raise unimplemented(what)

    return handler


@dataclass(frozen=True)
class Route:
    http_method: str
    host: str
    pattern: re.Pattern[str]
    method_id: str
    handler: Handler


def _r(method: str, host: str, path: str, method_id: str, handler: Handler) -> Route:
    return Route(method, host, re.compile("^" + path + "$"), method_id, handler)


ROUTES: list[Route] = [
    # Sheets v4 -- literal suffixes first, then the {range} forms.
    _r(
        "GET",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values:batchGet",
        "sheets.spreadsheets.values.batchGet",
        sheets_values.batch_get,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values:batchUpdate",
        "sheets.spreadsheets.values.batchUpdate",
        sheets_values.batch_update,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values:batchClear",
        "sheets.spreadsheets.values.batchClear",
        sheets_values.batch_clear,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values:batchGetByDataFilter",
        "sheets.spreadsheets.values.batchGetByDataFilter",
        sheets_values.batch_get_by_data_filter,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values:batchUpdateByDataFilter",
        "sheets.spreadsheets.values.batchUpdateByDataFilter",
        sheets_values.batch_update_by_data_filter,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values:batchClearByDataFilter",
        "sheets.spreadsheets.values.batchClearByDataFilter",
        sheets_values.batch_clear_by_data_filter,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+):append",
        "sheets.spreadsheets.values.append",
        sheets_values.append,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+):clear",
        "sheets.spreadsheets.values.clear",
        sheets_values.clear,
    ),
    _r(
        "GET",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+)",
        "sheets.spreadsheets.values.get",
        sheets_values.get,
    ),
    _r(
        "PUT",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/values/(?P<range>[^/]+)",
        "sheets.spreadsheets.values.update",
        sheets_values.update,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}:batchUpdate",
        "sheets.spreadsheets.batchUpdate",
        sheets_batch.batch_update,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}:getByDataFilter",
        "sheets.spreadsheets.getByDataFilter",
        sheets_api.get_by_data_filter,
    ),
    _r(
        "GET",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/developerMetadata/(?P<metadataId>[^/:]+)",
        "sheets.spreadsheets.developerMetadata.get",
        sheets_api.metadata_get,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/developerMetadata:search",
        "sheets.spreadsheets.developerMetadata.search",
        sheets_api.metadata_search,
    ),
    _r(
        "POST",
        SHEETS,
        rf"/v4/spreadsheets/{_ID}/sheets/(?P<sheetId>[^/:]+):copyTo",
        "sheets.spreadsheets.sheets.copyTo",
        _unsupported("sheets.spreadsheets.sheets.copyTo"),
    ),
    _r("GET", SHEETS, rf"/v4/spreadsheets/{_ID}", "sheets.spreadsheets.get", sheets_api.get),
    _r("POST", SHEETS, r"/v4/spreadsheets", "sheets.spreadsheets.create", sheets_api.create),
    # Drive v3
    _r("POST", DRIVE, r"/drive/v3/files", "drive.files.create", drive.create),
    _r("POST", DRIVE, r"/upload/drive/v3/files", "drive.files.create", drive.create),
    _r("PUT", DRIVE, r"/upload/drive/v3/files", "drive.files.create", drive.create),
    _r("GET", DRIVE, r"/drive/v3/files", "drive.files.list", drive.list_files),
    _r("POST", DRIVE, rf"/drive/v3/files/{_FILE}/copy", "drive.files.copy", drive.copy),
    _r("GET", DRIVE, rf"/drive/v3/files/{_FILE}/export", "drive.files.export", drive.export),
    _r(
        "POST",
        DRIVE,
        rf"/drive/v3/files/{_FILE}/permissions",
        "drive.permissions.create",
        drive.permission_create,
    ),
    _r("GET", DRIVE, rf"/drive/v3/files/{_FILE}/permissions", "drive.permissions.list", drive.permission_list),
    _r(
        "GET",
        DRIVE,
        rf"/drive/v3/files/{_FILE}/permissions/(?P<permissionId>[^/]+)",
        "drive.permissions.get",
        drive.permission_get,
    ),
    _r(
        "DELETE",
        DRIVE,
        rf"/drive/v3/files/{_FILE}/permissions/(?P<permissionId>[^/]+)",
        "drive.permissions.delete",
        drive.permission_delete,
    ),
    _r("GET", DRIVE, rf"/drive/v3/files/{_FILE}/comments", "drive.comments.list", drive.comment_list),
    _r("POST", DRIVE, rf"/drive/v3/files/{_FILE}/comments", "drive.comments.create", drive.comment_create),
    _r("GET", DRIVE, rf"/drive/v3/files/{_FILE}", "drive.files.get", drive.get),
    _r("PATCH", DRIVE, rf"/drive/v3/files/{_FILE}", "drive.files.update", drive.update),
    _r("PATCH", DRIVE, rf"/upload/drive/v3/files/{_FILE}", "drive.files.update", drive.update),
    _r("DELETE", DRIVE, rf"/drive/v3/files/{_FILE}", "drive.files.delete", drive.delete),
    _r("GET", DRIVE, r"/drive/v3/drives", "drive.drives.list", drive.drive_list),
    _r("GET", DRIVE, r"/drive/v3/drives/(?P<driveId>[^/]+)", "drive.drives.get", drive.drive_get),
    _r(
        "PUT",
        DRIVE,
        rf"/upload/drive/v2/files/{_FILE}",
        "drive.v2.files.update",
        _unsupported("the Drive v2 API"),
    ),
    # Docs v1
    _r("GET", DOCS, r"/v1/documents/(?P<documentId>[^/:]+)", "docs.documents.get", docs.get),
    _r("POST", DOCS, r"/v1/documents", "docs.documents.create", docs.create),
    _r(
        "POST",
        DOCS,
        r"/v1/documents/(?P<documentId>[^/:]+):batchUpdate",
        "docs.documents.batchUpdate",
        docs.batch_update,
    ),
    # OAuth 2.0 (a user login's hourly refresh)
    _r("POST", oauth.HOST, r"/token", "oauth2.token", oauth.token),
]

IMPLEMENTED_METHOD_IDS = frozenset(
    r.method_id for r in ROUTES
    if r.method_id not in ("sheets.spreadsheets.sheets.copyTo", "drive.v2.files.update", "oauth2.token")
)


def match(http_method: str, host: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        if route.http_method != http_method or route.host != host:
            continue
        m = route.pattern.match(raw_path)
        if m:
            return route, {k: unquote(v) for k, v in m.groupdict().items()}
    return None


def api_of(host: str) -> str:
    return {SHEETS: "sheets", DOCS: "docs", oauth.HOST: "oauth2"}.get(host, "drive")
