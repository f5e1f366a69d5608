"""One mapping from Google's refusals to the project's errors, with what to do about them: the store,
`init` and `doctor` say the same thing for the same answer (doctor in Indonesian and English).

A refused cycle write is read here too: a guard or the write token failed (rows moved: the next
cycle retries), or Google refuses a request every time (which request on which tab, and the fix).

Messages name the spreadsheet id and the worker's account, never a credential, and never a value
Google quotes back (`google_retry.error_message` leaves those out).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import requests

from rules.errors import InputError, SapaError, TransientError
from sync.stores.google_batch import Batch
from sync.stores.google_retry import error_message, status_of
from sync.stores.refusals import PayloadTooLarge, RequestRefused

TOO_LARGE = "Request payload size exceeds the limit"  # 400 to a body over 10,485,760 bytes


@dataclass(frozen=True)
class Refusal:
    """Why Google refuses the worker the spreadsheet, in both languages; `check` is doctor's name for it."""

    check: str  # "credentials" or "spreadsheet"
    indonesian: str
    english: str

    def error(self) -> InputError:
        return InputError(self.english)


def who(account: str | None) -> tuple[str, str]:
    """The worker's account as the office knows it (Indonesian, English)."""
    if account:
        return account, account
    return "akun Google yang dipakai pekerja", "the Google account the worker signs in with"


def access_refusal(status: int | None, spreadsheet_id: str, account: str | None) -> Refusal | None:
    """The fix for a 401 (credentials) or a 403/404 (the spreadsheet not shared, or a wrong id); else None."""
    if status == 401:
        return Refusal(
            "credentials",
            "Google menolak kredensial pekerja (HTTP 401): periksa file kunci akun layanan, atau login ulang "
            "(`python -m sync login`).",
            "Google refused the worker's credentials (HTTP 401): check the service account key file, or sign in "
            "again (`python -m sync login`).",
        )
    if status in (403, 404):
        who_id, who_en = who(account)
        return Refusal(
            "spreadsheet",
            f"Spreadsheet {spreadsheet_id} tidak dapat dibuka (HTTP {status}): belum dibagikan dengan {who_id}, "
            f"atau id-nya salah. Bagikan spreadsheet dengan {who_id} sebagai Editor (Bagikan → tambahkan alamat "
            "email itu → Editor), dan periksa google.spreadsheet_id.",
            f"The spreadsheet {spreadsheet_id} cannot be opened (HTTP {status}): it is not shared with {who_en}, or "
            f"the id is wrong. Share the spreadsheet with {who_en} as Editor (Share → add that e-mail address → "
            "Editor), and check google.spreadsheet_id.",
        )
    return None


def sheets_error(what: str, err: Exception, spreadsheet_id: str, account: str | None) -> SapaError:
    """The project's error for a Sheets request (`what`) that Google refused, or that never reached it."""
    if isinstance(err, requests.RequestException):
        return TransientError(
            f"cannot reach Google for {what} ({type(err).__name__}); nothing more was sent. Check the network "
            "and try again (the worker's next cycle tries again by itself)."
        )
    status, message = status_of(err), error_message(err)
    if status == 413 or (status == 400 and TOO_LARGE in message):
        return PayloadTooLarge(
            f"Google refused {what} as too large (HTTP {status}: {message[:120]}); nothing of it was "
            "applied. The cycle sends its changes in smaller parts."
        )
    refusal = access_refusal(status, spreadsheet_id, account)
    if refusal is not None:
        return refusal.error()
    return SapaError(f"Google answered HTTP {status} to {what}: {message[:200]}")


# --- a refused write ---------------------------------------------------------------

# How Google names the failing request of a batch: "Invalid requests[12].updateCells: <reason>".
_REQUEST_INDEX = re.compile(r"\brequests\[(\d+)\]")
_INVALID_PREFIX = re.compile(r"^Invalid requests\[\d+\]\.\w+: ")
# A guard that names no request: its metadata was not where the cycle read it.
_METADATA_CLASH = re.compile(r"developer ?metadata\b.*\b(already exists|not found|does not exist)", re.I)
PROTECTED = "protected cell or object"  # Google names no request for this one
TOO_LONG = "characters in a single cell"


def request_index(message: str) -> int | None:
    """The index of the request Google's error message names, if any."""
    found = _REQUEST_INDEX.search(message)
    return int(found.group(1)) if found else None


def rows_moved(batch: Batch, index: int | None, message: str) -> bool:
    """Does Google's refusal come from a guard or the write token (rows moved, see google_store.py)?"""
    if index is None:
        return PROTECTED not in message and _METADATA_CLASH.search(message) is not None
    return index < batch.fences


def refused_write(message: str, batch: Batch | None, account: str,
                  protected_tabs: Callable[[Collection[str]], list[str]]) -> SapaError:
    """A refused batch: rows moved (a guard or the write token failed: retry) or a genuine refusal.
    `account`: ' (<the worker's service account e-mail>)' or ''; `protected_tabs`: those of the tabs
    given with a protection the worker may not edit (asked of Google only when the answer says so)."""
    index = request_index(message)
    if batch is None or rows_moved(batch, index, message):
        return TransientError(
            "Google refused the cycle's write, nothing of it was applied (rows moved or were deleted "
            f"while the cycle ran, or the write was sent twice): {message[:200]}. "
            "The next cycle starts again from the spreadsheet."
        )
    reason = _INVALID_PREFIX.sub("", message)[:200].rstrip(".")
    return RequestRefused(
        f"Google refused the cycle's write ({failed_part(batch, index, message, protected_tabs)}): {reason}. "
        "Nothing of it was applied. This is not a moved row: every cycle fails the same way until "
        + _remedy(message, account)
    )


def failed_part(batch: Batch, index: int | None, message: str,
                protected_tabs: Callable[[Collection[str]], list[str]]) -> str:
    """Which request on which tab Google refused, as far as its answer (or a look) tells."""
    if index is not None and index < len(batch.requests):
        kind, tab = batch.describe(index)
        return f"request {index}, {kind} on tab '{tab}'" if tab else f"request {index}, {kind}"
    tabs = protected_tabs(batch.touched) if PROTECTED in message else []
    if tabs:
        return f"a protection on tab {_names(tabs)} that the worker's account may not edit"
    return f"Google does not say which request; this write changes tabs {_names(sorted(batch.touched))}"


def _names(tabs: Sequence[str]) -> str:
    return ", ".join(f"'{t}'" for t in tabs)


def _remedy(message: str, account: str) -> str:
    if PROTECTED in message:
        return (
            "the worker may edit there: in the spreadsheet open Data → Protected sheets and ranges, and "
            f"remove that protection or add the worker's account{account} to its editors "
            "(`python -m sync init` adds the worker to the protections it made)."
        )
    if TOO_LONG in message:
        return (
            "this is fixed in the worker: a value it writes is longer than Google's 50,000 characters per "
            "cell. Please report this message (it holds no personal data)."
        )
    return "this is fixed: please report this message (it holds no personal data)."
