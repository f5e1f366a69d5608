"""Client adapters: a ``requests`` transport (for gspread) and an httplib2 look-alike
(for google-api-python-client). Both hand every request to ``GoogleDouble.handle``.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httplib2
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse

from .base import Double


class SimulatedTimeout(TimeoutError):
    """The double "did not answer in time"; adapters turn it into their client's timeout error."""


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return _body_bytes(body.read())
    return b"".join(_body_bytes(part) for part in body)


class DoubleAdapter(BaseAdapter):
    """A ``requests`` transport adapter answering from the double instead of the network."""

    def __init__(self, double: Double) -> None:
        super().__init__()
        self.double = double

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        try:
            status, headers, content = self.double.handle(
                request.method or "GET",
                request.url or "",
                {k: v if isinstance(v, str) else v.decode() for k, v in request.headers.items()},
                _body_bytes(request.body),
            )
        except SimulatedTimeout as exc:
            raise requests.exceptions.ReadTimeout(str(exc), request=request) from exc
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        # requests reads the body through urllib3, which undoes a gzip Content-Encoding as on the network
        response.raw = HTTPResponse(body=io.BytesIO(content), headers=headers, status=status,
                                    preload_content=False, decode_content=True)
        response.url = request.url or ""
        response.request = request
        response.reason = _reason(status)
        response.encoding = "utf-8"
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        return None


def requests_session(double: Double, session: requests.Session | None = None) -> requests.Session:
    """Mount the double on ``session`` (a new ``requests.Session`` by default) for http and https."""
    session = session if session is not None else requests.Session()
    adapter = DoubleAdapter(double)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class DoubleHttp:
    """Quacks like ``httplib2.Http`` for ``googleapiclient.discovery.build(..., http=...)``."""

    def __init__(self, double: Double) -> None:
        self.double = double
        self.timeout: float | None = None

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        del redirections, connection_type
        try:
            status, out_headers, content = self.double.handle(method, uri, dict(headers or {}), _body_bytes(body))
        except SimulatedTimeout as exc:
            raise TimeoutError("timed out") from exc
        info = {k.lower(): v for k, v in out_headers.items()}
        if info.get("content-encoding") == "gzip":  # httplib2 undoes it the same way (_decompressContent)
            content = gzip.decompress(content)
            info["-content-encoding"] = info.pop("content-encoding")
        info["status"] = str(status)
        response = httplib2.Response(info)
        response.reason = _reason(status)
        return response, content

    def close(self) -> None:
        return None
