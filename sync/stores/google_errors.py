"""One mapping from Google's refusals to the project's errors, with what to do about them: the store,
`init` and `doctor` say the same thing for the same answer (doctor in Indonesian and English).

Messages name the spreadsheet id and the worker's account, never a credential, and never a value
Google quotes back (`google_retry.error_message` leaves those out).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from rules.errors import InputError, SapaError, TransientError
from sync.stores.google_retry import error_message, status_of
from sync.stores.refusals import PayloadTooLarge

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
