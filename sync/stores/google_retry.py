"""Retrying Google API requests: exponential backoff with full jitter, capped.

The one retry of every Google request the worker sends: Sheets (gspread over requests),
Drive and Docs (google-api-python-client over httplib2, whose own `num_retries` is left at 0).
The letter writer gets a `RetryPolicy` injected (it matches `letters.google_writer.Retry`):
`letters` may not import `sync`.

Retried: HTTP 429, 408, every 5xx, and Drive's rate-limit 403 (`usageLimits` domain,
`userRateLimitExceeded` / `rateLimitExceeded`), plus timeouts and dropped connections.
Everything else (400, 401, 403 access, 404) is answered at once. After the cap (attempts
or total time) the caller gets a `TransientError`: the cycle stops cleanly and the next
one starts again from what the spreadsheet holds.

A request that must not be carried out twice (a Drive copy) passes `recover`: after a failure
that may have been carried out all the same (a timeout, a 5xx; not a 429 or rate-limit 403,
refused before anything was done), `recover()` looks for its result before the next attempt.

`sleep`, `random` and `clock` are injected so tests never sleep. Messages carry the
status and Google's reason, never a request header (where the token is).
"""

from __future__ import annotations

import json
import logging
import random as _random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httplib2
import requests
from google.auth.exceptions import RefreshError, TransportError

from rules.errors import TransientError
from sync.stores.google_auth import login_refused

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_STATUSES = frozenset({408, 429})
RATE_LIMIT_REASONS = frozenset({"userRateLimitExceeded", "rateLimitExceeded"})
DEFAULT_TIMEOUT = (10.0, 60.0)  # requests' (connect, read) seconds, for every request


@dataclass
class RetryPolicy:
    """How often and how long to retry. Delay before attempt n+1: uniform(0, min(cap, base * 2**n))."""

    attempts: int = 6
    base: float = 1.0
    cap: float = 32.0
    total: float = 120.0  # seconds, sleeps included
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = _random.random
    clock: Callable[[], float] = time.monotonic
    slept: list[float] = field(default_factory=list)  # delays taken (for tests and logs)

    def delay(self, attempt: int) -> float:
        return float(self.random()) * min(self.cap, self.base * 2.0**attempt)

    def run(self, what: str, call: Callable[[], T], *, recover: Callable[[], T | None] | None = None) -> T:
        """Run `call`, retrying retryable failures; raise TransientError after the cap.

        `recover` (for a request that must not be carried out twice): after a failure that may
        have been carried out, before the next attempt, it returns the result found, or None."""
        start = self.clock()
        attempt = 0
        while True:
            try:
                return call()
            except RefreshError as err:  # the login's hourly renewal refused: no retry can help
                raise login_refused(err) from None
            except Exception as err:  # sorted below; the rest re-raised
                if not is_retryable(err):
                    raise
                attempt += 1
                wait = self.delay(attempt - 1)
                spent = self.clock() - start
                if attempt >= self.attempts or spent + wait > self.total:
                    raise TransientError(
                        f"Google did not answer {what} after {attempt} attempts ({describe(err)}); "
                        "nothing more was sent. The next cycle starts again from the spreadsheet."
                    ) from None
                log.info("%s: %s, retry %d in %.1f s", what, describe(err), attempt, wait)
                self.slept.append(wait)
                self.sleep(wait)
                if recover is not None and not refused(err):
                    found = recover()
                    if found is not None:
                        return found


def status_of(err: BaseException) -> int | None:
    """The HTTP status of a Google error: gspread's (a requests response) or googleapiclient's (httplib2)."""
    response = getattr(err, "response", None)  # a requests.Response is falsy for 4xx/5xx: no `or` here
    code = getattr(response, "status_code", None) if response is not None else None
    if code is None:
        code = getattr(getattr(err, "resp", None), "status", None)
    return int(code) if isinstance(code, int) else None


def _body(err: BaseException) -> str:
    """The text of a Google error's answer ('' when there is none)."""
    response = getattr(err, "response", None)
    if response is not None:
        return str(getattr(response, "text", "") or "")
    content = getattr(err, "content", None)  # googleapiclient's HttpError
    return content.decode("utf-8", "replace") if isinstance(content, bytes) else ""


def error_details(err: BaseException) -> tuple[str, str, str]:
    """(status text, reason, domain) of a Google error body, '' when absent."""
    try:
        body = json.loads(_body(err) or "{}")
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", "", ""
    first = (error.get("errors") or [{}])[0] if isinstance(error.get("errors"), list) else {}
    status = str(error.get("status") or "")
    reason = str(first.get("reason") or "")
    domain = str(first.get("domain") or "")
    if not reason:
        for detail in error.get("details") or []:
            if isinstance(detail, dict) and detail.get("reason"):
                reason = str(detail["reason"])
                domain = str(detail.get("domain") or domain)
                break
    return status, reason, domain


# Google quotes a refused value back ("Invalid value at '<field>' (TYPE_STRING), "<value>""): it may
# be a reporter's answer, and this message ends up in the log.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*(?:"|$)')
_ECHOED = re.compile(r"(Invalid value at '[^']*'(?: \([^)]*\))?),.*", re.DOTALL)
# "Invalid JSON payload received. Unexpected token.\n<snippet of the request>": the snippet may
# start inside a string, so quotes cannot tell where values are.
_PAYLOAD = re.compile(r"(Invalid JSON payload received\.[^\n]*)\n.*", re.DOTALL)


def error_message(err: BaseException) -> str:
    """Google's error message, without any value it quotes back (it could be a reporter's answer)."""
    try:
        body = json.loads(_body(err) or "{}")
        message = str(body.get("error", {}).get("message", ""))
    except (ValueError, AttributeError):
        return ""
    return redact(message)


def redact(message: str) -> str:
    """`message` without any value quoted in it, at most 300 characters."""
    message = _PAYLOAD.sub(r"\1 <request left out>", _ECHOED.sub(r"\1, <value left out>", message))
    return _QUOTED.sub('"…"', message)[:300]


# Timeouts and dropped connections: requests' (Sheets), the socket's and httplib2's (Drive, Docs), and
# google-auth's TransportError (the hourly renewal of a login could not reach Google).
_NO_ANSWER = (requests.Timeout, requests.ConnectionError, TimeoutError, ConnectionError, httplib2.HttpLib2Error,
              TransportError)


def is_retryable(err: BaseException) -> bool:
    if isinstance(err, _NO_ANSWER):
        return True
    status = status_of(err)
    if status is None:
        return False
    if status in RETRY_STATUSES or 500 <= status <= 599:
        return True
    if status == 403:
        _, reason, domain = error_details(err)
        # a full Drive (storageQuotaExceeded, domain usageLimits too) is no rate limit: waiting cannot help
        return reason in RATE_LIMIT_REASONS or (domain == "usageLimits" and reason != "storageQuotaExceeded")
    return False


def refused(err: BaseException) -> bool:
    """Was the request refused before anything was done (429, rate-limit 403), rather than perhaps
    carried out with its answer lost (a timeout, a dropped connection, a 5xx)?"""
    return status_of(err) in (403, 429)


def describe(err: BaseException) -> str:
    status = status_of(err)
    if status is None:
        return type(err).__name__
    _, reason, _ = error_details(err)
    return f"HTTP {status}{f' {reason}' if reason else ''}"
