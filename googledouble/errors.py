"""Google's two error envelopes, and the exceptions the double raises.

Sheets and Docs answer with the ``google.rpc`` envelope (``code``, ``message``,
``status``, optional ``details``), as the recorded cassettes show; Drive v3
answers with the classic envelope that also carries ``errors[]`` (``domain``,
``reason``), which is what gspread's ``BackOffHTTPClient`` looks for.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

DEFAULT_MESSAGES: dict[int, str] = {
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "The request timed out. Please try again.",
}

DRIVE_REASONS: dict[int, tuple[str, str]] = {
    400: ("global", "badRequest"),
    401: ("global", "authError"),
    403: ("global", "forbidden"),
    404: ("global", "notFound"),
    429: ("usageLimits", "rateLimitExceeded"),
    500: ("global", "backendError"),
    503: ("global", "backendError"),
}


class ApiError(Exception):
    """An HTTP error answer; handlers raise it, the dispatcher serialises it."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error", {}).get("message", ""))
        self.status = status
        self.body = body


class SimulatedCrash(BaseException):
    """Raised by ``GoogleDouble.crash_after``: the process "dies" mid-cycle.

    It derives from ``BaseException`` (like ``KeyboardInterrupt``) so that an
    ``except Exception`` in the code under test cannot swallow the crash.
    """


def rpc_error(code: int, message: str | None = None, details: list[Any] | None = None) -> ApiError:
    """A Sheets/Docs style error (``google.rpc.Status``)."""
    error: dict[str, Any] = {
        "code": code,
        "message": message if message is not None else DEFAULT_MESSAGES.get(code, ""),
        "status": STATUS_NAMES.get(code, "UNKNOWN"),
    }
    if details:
        error["details"] = details
    return ApiError(code, {"error": error})


def invalid_argument(message: str) -> ApiError:
    return rpc_error(400, message)


class BatchError(ApiError):
    """An error Google answers for a whole batchUpdate, without naming the failing subrequest."""


PROTECTED_CELL = (
    "You are trying to edit a protected cell or object. "
    "Please contact the spreadsheet owner to remove protection if you need to edit."
)


def protected_cell() -> BatchError:
    """The answer to an edit of a protected range by someone who may not edit it."""
    return BatchError(400, rpc_error(400, PROTECTED_CELL).body)


def not_found_entity() -> ApiError:
    return rpc_error(404, "Requested entity was not found.")


def permission_denied() -> ApiError:
    return rpc_error(403, "The caller does not have permission")


def invalid_value(field: str, proto_type: str, value: Any) -> ApiError:
    """The protobuf JSON decoding error Google returns for a wrongly typed field."""
    shown = json.dumps(value, ensure_ascii=False)
    message = f"Invalid value at '{field}' ({proto_type}), {shown}"
    return rpc_error(
        400,
        message,
        [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": message}],
            }
        ],
    )


def unimplemented(what: str) -> ApiError:
    return rpc_error(501, f"The Google API test double does not implement {what}.")


def drive_error(
    code: int,
    message: str,
    reason: str | None = None,
    domain: str | None = None,
    location: str | None = None,
) -> ApiError:
    """A Drive v3 style error (classic envelope with ``errors[]``)."""
    default_domain, default_reason = DRIVE_REASONS.get(code, ("global", "unknown"))
    item: dict[str, Any] = {
        "message": message,
        "domain": domain or default_domain,
        "reason": reason or default_reason,
    }
    if location:
        item["location"] = location
        item["locationType"] = "parameter"
    return ApiError(code, {"error": {"code": code, "message": message, "errors": [item]}})


def drive_not_found(file_id: str) -> ApiError:
    return drive_error(404, f"File not found: {file_id}.", "notFound", location="fileId")


def quota_error(api: str, code: int, write: bool) -> ApiError:
    """A rate-limit answer as each API sends it.

    ``code`` 429 is the quota answer of every API; 403 is Drive's older
    ``userRateLimitExceeded`` answer (Sheets and Docs never send it, but the
    double sends it on request so retry code can be tested against it).
    """
    kind = "Write" if write else "Read"
    service = {"sheets": "sheets.googleapis.com", "docs": "docs.googleapis.com"}.get(api, "drive.googleapis.com")
    if api == "drive" or code == 403:
        reason = "userRateLimitExceeded" if code == 403 else "rateLimitExceeded"
        message = "User rate limit exceeded." if code == 403 else "Rate limit exceeded."
        return drive_error(code, message, reason, domain="usageLimits")
    message = (
        f"Quota exceeded for quota metric '{kind} requests' and limit "
        f"'{kind} requests per minute per user' of service '{service}' "
        "for consumer 'project_number:000000000000'."
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "quota_metric": f"{service}/{kind.lower()}_requests",
                "quota_limit": f"{kind}RequestsPerMinutePerUser",
                "quota_limit_value": "60",
                "consumer": "projects/000000000000",
                "service": service,
                "quota_location": "global",
            },
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                }
            ],
        },
    ]
    return rpc_error(429, message, details)


def fault_error(api: str, code: int, write: bool) -> ApiError:
    """The answer of an injected fault with HTTP status ``code``."""
    if code in (429, 403):
        return quota_error(api, code, write)
    if api == "drive":
        return drive_error(code, DEFAULT_MESSAGES.get(code, "Backend Error"))
    return rpc_error(code)


MAX_REQUEST_BYTES = 10_485_760  # Google's limit on a request body


def payload_too_large(limit: int = MAX_REQUEST_BYTES) -> ApiError:
    """Google's answer to a request body over its limit: 400, with the classic ``errors[]`` too
    (as Google's front end sends it, e.g. jlolling/talendcomp_tGoogleSheet#1, SCRT-HQ/PSGSuite#62)."""
    message = f"Request payload size exceeds the limit: {limit} bytes."
    return ApiError(400, {"error": {
        "code": 400,
        "message": message,
        "errors": [{"message": message, "domain": "global", "reason": "badRequest"}],
        "status": "INVALID_ARGUMENT",
    }})
