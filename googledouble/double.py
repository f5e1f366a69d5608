"""``GoogleDouble``: the in-process stand-in for Sheets v4, Drive v3 and Docs v1.

Real client code (gspread, google-api-python-client) talks to it through the
adapters in ``transport.py``; every request goes through ``handle``, which
routes it, counts it by API method id, runs hooks and injected faults, and
answers with Google's status codes and JSON bodies.
"""

from __future__ import annotations

import datetime as dt
import gzip
import pickle
import random
import string
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple
from urllib.parse import parse_qs, urlsplit

import gspread
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from . import discovery, fields, routes
from .document import Document
from .drive_files import DriveFile
from .errors import (
    MAX_REQUEST_BYTES,
    ApiError,
    SimulatedCrash,
    drive_not_found,
    fault_error,
    not_found_entity,
    payload_too_large,
    permission_denied,
    rpc_error,
)
from .faults import Fault, RateLimit
from .model import MAX_CELLS, Spreadsheet
from .staff import StaffMixin
from .transport import DoubleHttp, SimulatedTimeout, requests_session
from .wire import Request, Response, error_response

if TYPE_CHECKING:
    import requests

RequestHook = Callable[["GoogleDouble", str, Request], None]

# Behaviours a test may break (`double.quirks.add(name)`), to see that a probe of Google's behaviour
# notices when Google does not behave as the double does by default.
QUIRKS = {
    "metadata_duplicate_accepted": "createDeveloperMetadata with an id that exists replaces it instead of failing",
    "metadata_id_reserved": "an id deleted earlier in the same batch cannot be created again in it",
    "row_metadata_stays": "row metadata stays at its row index on sortRange, moveDimension, insert/deleteDimension",
    "protection_drops_requester": "addProtectedRange leaves the requesting account out of the editors",
    "docs_newline_same_paragraph": "a \"\\n\" in replaceAllText's replacement is a line break, not a new paragraph",
    "docs_split_runs_missed": "replaceAllText misses text split across formatting runs (updateTextStyle)",
    "drive_copy_refused": "files.copy answers 403 appNotAuthorizedToFile",
}
ID_CHARS = string.ascii_letters + string.digits + "-_"


class LogEntry(NamedTuple):
    """One request as the double saw it; ``method_id`` first, as in ``double.log``."""

    method_id: str
    http_method: str
    url: str
    status: int | None
    request: Any
    response: Any
    request_bytes: int = 0  # the body's size as sent
    response_bytes: int = 0  # the answer's size as sent back (0 when none was), compressed if it was
    response_plain_bytes: int = 0  # the same answer uncompressed


def _no_clock() -> dt.datetime:
    raise RuntimeError("a restored double needs a clock: GoogleDouble.restore(blob, clock)")


class GoogleDouble(StaffMixin):
    """In-memory Google Sheets/Drive/Docs.

    Options:
      user_email: the account the clients act as (owner of created files, protected-range editor).
      seed: makes generated ids reproducible.
      clock: returns the current ``datetime`` (UTC) for Drive timestamps and form submissions.
      locale/time_zone: defaults for new spreadsheets: ``id_ID``/``Asia/Jakarta``, those of a spreadsheet an
        Indonesian account makes, like the office's (``en_US``/``Etc/GMT`` for gspread's recorded answers).
      service_account_without_storage: refuse to create/copy files outside a shared drive, as Drive
        does for a service account ("Service Accounts do not have storage quota").
      drive_file_scope: act as the ``drive.file`` scope -- files not created through the API are invisible.
    """

    made: ClassVar[weakref.WeakSet[GoogleDouble]] = weakref.WeakSet()  # every double alive (a test's check)

    def __init__(
        self,
        *,
        user_email: str = "sapa-sync@sapa-test.iam.gserviceaccount.com",
        seed: int = 0,
        clock: Callable[[], dt.datetime] | None = None,
        locale: str = "id_ID",
        time_zone: str = "Asia/Jakarta",
        service_account_without_storage: bool = False,
        drive_file_scope: bool = False,
    ) -> None:
        GoogleDouble.made.add(self)
        self.user_email = user_email
        self.rng = random.Random(seed)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.default_locale = locale
        self.default_time_zone = time_zone
        self.service_account_without_storage = service_account_without_storage
        self.drive_file_scope = drive_file_scope
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.documents: dict[str, Document] = {}
        self.files: dict[str, DriveFile] = {}
        self.drives: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self.denied: set[str] = set()
        self.permission_log: list[tuple[str, dict[str, Any]]] = []
        self.counts: Counter[str] = Counter()
        self.log: list[LogEntry] = []
        self._hooks: list[RequestHook] = []
        self.revoked_refresh_tokens: set[str] = set()  # refused by the token endpoint (oauth.py)
        # Requests checked against the discovery documents as Google checks them (discovery.py): a
        # refused one is answered 400 and kept in `invalid_requests`; deprecated fields go to `deprecated_uses`.
        self.check_requests = True
        self.invalid_requests: list[str] = []
        self.deprecated_uses: list[str] = []
        self.refreshes = 0  # access tokens handed out for a refresh token
        self._faults: list[Fault] = []
        self._rate_limit: RateLimit | None = None
        self._services: dict[tuple[str, str], Any] = {}
        self.max_request_bytes = MAX_REQUEST_BYTES  # a larger body is refused, as Google does
        self.quirks: set[str] = set()  # behaviours to break, so a test sees a probe contradict one (QUIRKS)

    # ------------------------------------------------------------ transports
    def requests_session(self, session: requests.Session | None = None) -> requests.Session:
        """A ``requests.Session`` answered by the double, for ``gspread.Client(auth, session=...)``."""
        return requests_session(self, session)

    def httplib2_http(self) -> DoubleHttp:
        """An httplib2-like object for ``googleapiclient.discovery.build(..., http=...)``."""
        return DoubleHttp(self)

    def gspread_client(self) -> gspread.Client:
        fake = Credentials(token="fake")  # type: ignore[no-untyped-call]
        return gspread.Client(auth=fake, session=self.requests_session())

    def service(self, name: str, version: str) -> Any:
        """``googleapiclient.discovery.build(name, version)`` over the double (offline discovery), memoised.

        Keep the resources you derive from it (``.spreadsheets()`` costs ~0.1 s to build each time).
        """
        key = (name, version)
        if key not in self._services:
            self._services[key] = build(
                name, version, http=self.httplib2_http(), static_discovery=True, cache_discovery=False
            )
        return self._services[key]

    # ------------------------------------------------------------ snapshots
    def snapshot(self) -> bytes:
        """Everything Google holds (files, spreadsheets, documents, ids), to `restore` many times over.

        Not kept: the clock, the API clients built over the double, the request log and the hooks."""
        saved = (self.clock, self._services, self.log, self._hooks)
        self.clock, self._services, self.log, self._hooks = _no_clock, {}, [], []
        try:
            return pickle.dumps(self)
        finally:
            self.clock, self._services, self.log, self._hooks = saved

    @staticmethod
    def restore(blob: bytes, clock: Callable[[], dt.datetime]) -> GoogleDouble:
        """A new double holding what `snapshot` kept, on `clock`."""
        double: GoogleDouble = pickle.loads(blob)
        GoogleDouble.made.add(double)
        double.clock = clock
        return double

    # ------------------------------------------------------------ counting & hooks
    def reset_counts(self) -> None:
        self.counts.clear()
        self.log.clear()

    def on_request(self, callback: RequestHook) -> None:
        """Run ``callback(double, method_id, request)`` before each request is handled (staff edits, etc.)."""
        self._hooks.append(callback)

    def clear_hooks(self) -> None:
        self._hooks.clear()

    # ------------------------------------------------------------ faults
    def fail_next(self, method_id: str | None = None, status: int = 429, times: int = 1, applied: bool = False) -> None:
        """The next ``times`` requests (of ``method_id``, or any) answer ``status`` with Google's error body.

        ``status`` 429 is the quota error; 403 is Drive's ``userRateLimitExceeded``; 500/503 server errors.
        ``applied=True``: the request is carried out, then the answer is lost (the error is returned).
        """
        self._faults.append(Fault("status", method_id, status, times, applied))

    def refuse_next(self, method_id: str, error: ApiError) -> None:
        """The next request of ``method_id`` is refused with ``error`` (e.g. ``invalid_value(...)``), unapplied."""
        self._faults.append(Fault("status", method_id, error.status, 1, False, error=error))

    def fail_every(self, k: int, status: int = 429, method_id: str | None = None) -> None:
        """Every ``k``-th request (of ``method_id``, or any) fails with ``status``."""
        self._faults.append(Fault("status", method_id, status, 0, False, every=k))

    def timeout_next(self, method_id: str | None = None, times: int = 1, applied: bool = False) -> None:
        """The next requests time out (``requests.exceptions.ReadTimeout`` / ``socket.timeout``)."""
        self._faults.append(Fault("timeout", method_id, 0, times, applied))

    def crash_after(self, k: int, applied: bool = False) -> None:
        """The ``k``-th request from now raises ``SimulatedCrash``.

        It is raised before the request is applied, or after it if ``applied`` (the answer is lost).
        """
        self._faults.append(Fault("crash", None, 0, 0, applied, countdown=k))

    def rate_limit(self, per_minute: int = 60, clock: Callable[[], float] | None = None) -> None:
        """Enforce Google's per-user quota (reads and writes per minute, per API) with 429 answers."""
        self._rate_limit = RateLimit(per_minute, clock) if clock else RateLimit(per_minute)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._rate_limit = None

    def _take_fault(self, method_id: str) -> Fault | None:
        for fault in list(self._faults):
            if fault.fires(method_id):
                if fault.spent:
                    self._faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------ dispatch
    def handle(
        self, method: str, url: str, headers: dict[str, str] | None = None, body: bytes | str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request: ``(status, headers, body bytes)``."""
        method = method.upper()
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        found = routes.match(method, host, parts.path)
        method_id = found[0].method_id if found else "unknown"
        raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        req = Request(
            method,
            url,
            host,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            dict(headers or {}),
            raw,
            found[1] if found else {},
            method_id,
        )
        self.counts[method_id] += 1
        for hook in list(self._hooks):
            hook(self, method_id, req)
        api = routes.api_of(host)
        write = method != "GET"
        if len(raw) > self.max_request_bytes:
            return self._finish(req, error_response(payload_too_large(self.max_request_bytes)))
        fault = self._take_fault(method_id)
        if fault is not None and not fault.applied:
            if fault.kind != "status":
                self._record(req, None, None)
                self._raise_fault(fault, req)
            return self._finish(req, error_response(fault.error or fault_error(api, fault.status, write)))
        if self._rate_limit is not None and api in ("sheets", "docs") and not self._rate_limit.allow(api, write):
            return self._finish(req, error_response(fault_error(api, 429, write)))
        refused = self._check(req) if found is not None and self.check_requests else None
        response = refused or self._dispatch(found, req)
        if fault is not None:
            if fault.kind != "status":
                self._record(req, response, None)
                self._raise_fault(fault, req)
            return self._finish(req, error_response(fault_error(api, fault.status, write)))
        return self._finish(req, response)

    def _check(self, req: Request) -> Response | None:
        """Google's 400 for a request its discovery document does not allow; None when it is allowed."""
        problems, deprecated = discovery.request_problems(req.method_id, req.query, req.body_json)
        self.deprecated_uses += [f"{req.method_id} {d}" for d in deprecated]
        self.invalid_requests += [f"{req.method_id} {p}" for p in problems]
        # Sheets and Docs refuse a name, enum, mask or union they do not know; a value of the wrong type
        # is refused by the handlers, with Google's recorded wording. Drive v3 accepts unknown names
        # (gspread sends Drive v2's "withLink"), so Drive's problems are only recorded.
        refused = [p for p in problems if not discovery.is_type_problem(p)]
        if not refused or routes.api_of(req.host) == "drive":
            return None
        return error_response(rpc_error(400, "Invalid JSON payload received. " + "; ".join(refused[:5])))


    def _raise_fault(self, fault: Fault, req: Request) -> None:
        if fault.kind == "crash":
            raise SimulatedCrash(f"simulated crash at {req.method_id} ({req.method} {req.path})")
        if fault.kind == "timeout":
            raise SimulatedTimeout(f"simulated timeout at {req.method_id}")

    def _dispatch(self, found: tuple[routes.Route, dict[str, str]] | None, req: Request) -> Response:
        if found is None:
            return error_response(
                rpc_error(404, f"The Google API test double has no route for {req.method} {req.host}{req.path}.")
            )
        route, _ = found
        try:
            response = route.handler(self, req)
            mask_text = req.arg("fields")
            if mask_text and response.data is not None and 200 <= response.status < 300:
                response.data = fields.apply(response.data, fields.parse(mask_text))
            return response
        except ApiError as err:
            return error_response(err)
        except fields.MaskError as err:
            return error_response(rpc_error(400, str(err)))

    def _record(self, req: Request, response: Response | None, status: int | None, size: int = 0,
                plain: int | None = None) -> None:
        request_json = req.body_json
        self.log.append(
            LogEntry(
                req.method_id,
                req.method,
                req.url,
                response.status if response else status,
                request_json,
                response.data if response else None,
                len(req.body),
                size,
                size if plain is None else plain,
            )
        )

    def _finish(self, req: Request, response: Response) -> tuple[int, dict[str, str], bytes]:
        """The answer as sent: gzip-compressed only when the client asked in both headers, as Google does
        ("Accept-Encoding: gzip" and a User-Agent containing "gzip"); its size on the wire is logged."""
        status, headers, body = response.encode()
        plain = len(body)
        accepts = "gzip" in (req.header("Accept-Encoding") or "").lower()
        if body and accepts and "gzip" in (req.header("User-Agent") or "").lower():
            body = gzip.compress(body, compresslevel=6, mtime=0)  # a server's usual level, not gzip's slowest
            headers = {**headers, "Content-Encoding": "gzip"}
        self._record(req, response, None, len(body), plain)
        return status, headers, body

    # ------------------------------------------------------------ state access for handlers
    def new_id(self, length: int = 44) -> str:
        return "".join(self.rng.choice(ID_CHARS) for _ in range(length))

    def new_file_id(self) -> str:
        while True:
            candidate = "1" + self.new_id(43)
            if candidate not in self.files:
                return candidate

    def new_numeric_id(self) -> str:
        return str(self.rng.randint(10**19, 10**20 - 1))

    def now(self) -> str:
        moment = self.clock().astimezone(dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def book(self, spreadsheet_id: str) -> Spreadsheet:
        if spreadsheet_id in self.denied:
            raise permission_denied()
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise not_found_entity()
        return book

    def document(self, document_id: str) -> Document:
        if document_id in self.denied:
            raise permission_denied()
        doc = self.documents.get(document_id)
        if doc is None:
            raise not_found_entity()
        return doc

    @contextmanager
    def editing(self, spreadsheet_id: str) -> Iterator[Spreadsheet]:
        """Work on a clone; commit only if the block finishes (Google's all-or-nothing writes)."""
        work = self.book(spreadsheet_id).clone()
        yield work
        work.purge_metadata()
        self.spreadsheets[spreadsheet_id] = work
        if spreadsheet_id in self.files:
            self.files[spreadsheet_id].name = str(work.props.get("title", ""))
        self.touch(spreadsheet_id)

    def grow_check(self, book: Spreadsheet, added: int) -> None:
        if book.total_cells() + added > MAX_CELLS:
            raise rpc_error(
                400,
                f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells.",
            )

    def touch(self, file_id: str) -> None:
        if file_id in self.files:
            self.files[file_id].modified = self.now()

    def add_file(self, f: DriveFile) -> None:
        if not f.drive_id:
            f.permissions.append(
                {
                    "kind": "drive#permission",
                    "id": "00000000000000000000",
                    "type": "user",
                    "role": "owner",
                    "emailAddress": self.user_email,
                    "displayName": self.user_email.split("@")[0],
                    "deleted": False,
                    "pendingOwner": False,
                }
            )
        self.files[f.id] = f

    def visible_file(self, file_id: str, req: Request) -> DriveFile:
        f = self.files.get(file_id)
        if f is None or file_id in self.denied or (self.drive_file_scope and not f.app_created):
            raise drive_not_found(file_id)
        needs_flag = req.method_id not in ("drive.files.export", "drive.comments.list", "drive.comments.create")
        if f.drive_id and needs_flag and not (req.flag("supportsAllDrives") or req.flag("supportsTeamDrives")):
            raise drive_not_found(file_id)
        return f

    def remove_file(self, file_id: str) -> None:
        for child in [c.id for c in self.files.values() if file_id in c.parents]:
            self.remove_file(child)
        self.files.pop(file_id, None)
        self.spreadsheets.pop(file_id, None)
        self.documents.pop(file_id, None)

    def deny_access(self, file_id: str) -> None:
        """Make a file unreadable to the client, as one not shared with it (Sheets: 403, Drive: 404)."""
        self.denied.add(file_id)
