"""The request and response objects handlers see, independent of the client library."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .errors import ApiError, rpc_error


@dataclass
class Request:
    method: str
    url: str
    host: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    method_id: str = ""

    @cached_property
    def body_json(self) -> Any:
        """The body as JSON, parsed once, for the checks and the log (None when empty or not JSON, as a
        media upload). Handlers parse their own copy (`json()`), which they may change."""
        try:
            return json.loads(self.body) if self.body else None
        except (ValueError, UnicodeDecodeError):
            return None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.arg(name)
        if value is None:
            return default
        return value.lower() in ("true", "1")

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def json(self, required: bool = False) -> dict[str, Any]:
        if not self.body:
            if required:
                raise rpc_error(400, "Invalid JSON payload received. Unexpected end of string.")
            return {}
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise rpc_error(400, f"Invalid JSON payload received. {exc}") from exc
        if not isinstance(data, dict):
            raise rpc_error(400, "Invalid JSON payload received. Expected an object.")
        return data


@dataclass
class Response:
    status: int = 200
    data: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[int, dict[str, str], bytes]:
        headers = dict(self.headers)
        if self.content is not None:
            headers.setdefault("Content-Type", "application/octet-stream")
            return self.status, headers, self.content
        if self.data is None:
            headers.setdefault("Content-Type", "text/html")
            return self.status, headers, b""
        headers.setdefault("Content-Type", "application/json; charset=UTF-8")
        return self.status, headers, json.dumps(self.data, ensure_ascii=False).encode("utf-8")


def error_response(err: ApiError) -> Response:
    return Response(err.status, err.body)


def ok(data: Any) -> Response:
    return Response(200, data)
