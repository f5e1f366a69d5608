"""The probe's requests to Google, each one kept (without personal data) for the answers file.

Sheets through gspread's HTTP client, Drive and Docs through google-api-python-client, never
retried: the probe's writes touch only its scratch tab and Doc, and a probe that gets no answer
says so ("could not check") rather than guess whether a resent request was applied twice.

What is kept of each request: the API method id, the HTTP method, the URL, the status and both
bodies, with every e-mail address replaced. A read of the office's own tabs asks only for tab titles
and protection flags; its kept answer drops anything a person typed there (cell values, the
descriptions of protections not made by sapa-sync, their editors) all the same.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gspread
from googleapiclient.errors import HttpError

SHEETS_API = "https://sheets.googleapis.com/v4/spreadsheets"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
TYPED = frozenset({"values", "rowData", "effectiveValue", "formattedValue", "userEnteredValue", "note",
                   "hyperlink", "textFormatRuns", "editors", "title"})  # dropped from reads of real tabs
TAG = "[sapa-sync]"


class Refused(Exception):
    """Google answered the probe's request with an error status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


@dataclass
class Recorder:
    """Every request and answer of one probe, scrubbed, in the order sent."""

    lines: list[dict[str, Any]] = field(default_factory=list)

    def add(self, method_id: str, verb: str, url: str, status: int, request: Any, answer: Any, *,
            real: bool = False) -> None:
        self.lines.append({
            "method": method_id, "http": verb.upper(), "url": scrub(url, False), "status": status,
            "request": scrub(request, False), "answer": scrub(answer, real),
        })

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in self.lines)
        path.write_text(text, encoding="utf-8")


def scrub(value: Any, real: bool) -> Any:
    """E-mail addresses out everywhere; from a read of real tabs, also whatever people typed there."""
    if isinstance(value, str):
        return EMAIL.sub("<e-mail>", value)
    if isinstance(value, list):
        return [scrub(v, real) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if real and key in TYPED and not (key == "title" and _tab_title(value)):
                continue
            if real and key == "description" and not str(item).startswith(TAG):
                out[key] = "<deleted>"
                continue
            out[key] = scrub(item, real)
        return out
    return value


def _tab_title(props: dict[str, Any]) -> bool:
    """A tab's properties (its title is kept), not the spreadsheet's or a chart's."""
    return "sheetId" in props


def _json(raw: bytes | str | None) -> Any:
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {"unreadable": True}


class Wire:
    """The probe's one way to Google: every call recorded, errors raised as `Refused`."""

    def __init__(self, client: gspread.Client, spreadsheet_id: str, recorder: Recorder) -> None:
        self.http = client.http_client
        self.sid = spreadsheet_id
        self.recorder = recorder

    def sheets(self, method_id: str, verb: str, path: str, *, params: dict[str, Any] | None = None,
               body: dict[str, Any] | None = None, real: bool = False) -> dict[str, Any]:
        url = f"{SHEETS_API}/{self.sid}{path}"
        shown = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        try:
            response = self.http.request(verb, url, params=params, json=body)
        except gspread.exceptions.APIError as err:
            answer = _json(err.response.content)
            self.recorder.add(method_id, verb, shown, err.response.status_code, body, answer, real=real)
            raise Refused(err.response.status_code, _message(answer)) from None
        answer = _json(response.content) if response.content else {}
        self.recorder.add(method_id, verb, shown, response.status_code, body, answer, real=real)
        return answer if isinstance(answer, dict) else {}

    def batch(self, requests_: list[dict[str, Any]]) -> dict[str, Any]:
        return self.sheets("sheets.spreadsheets.batchUpdate", "post", ":batchUpdate", body={"requests": requests_})

    def get(self, fields: str, *, ranges: list[str] | None = None, real: bool = False) -> dict[str, Any]:
        params: dict[str, Any] = {"fields": fields}
        if ranges:
            params["ranges"] = ranges
        return self.sheets("sheets.spreadsheets.get", "get", "", params=params, real=real)

    def google(self, request: Any) -> dict[str, Any]:
        """Execute one google-api-python-client request (Drive, Docs), once."""

        body = _json(request.body) if request.body else None
        method_id = str(getattr(request, "methodId", "") or "")
        try:
            answer = request.execute(num_retries=0)
        except HttpError as err:
            status = int(getattr(err.resp, "status", 0) or 0)
            content = _json(err.content)
            self.recorder.add(method_id, request.method, request.uri, status, body, content)
            raise Refused(status, _message(content)) from None
        self.recorder.add(method_id, request.method, request.uri, 200, body, answer or {})
        return answer if isinstance(answer, dict) else {}


def _message(answer: Any) -> str:
    error = answer.get("error") if isinstance(answer, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return EMAIL.sub("<e-mail>", str(message or "no message"))[:300]
