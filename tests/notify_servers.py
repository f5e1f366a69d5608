"""Local stand-ins for the notification services, for tests: a Telegram-compatible Bot API server
(also any plain HTTP endpoint, such as a Healthchecks ping URL) and an SMTP server (aiosmtpd).

Both are the real protocols on 127.0.0.1; nothing of the worker is replaced.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

TOKEN = "123456789:AAH-a_fake_bot_token_0123456789abcd"  # shaped like a real one


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any] | None


@dataclass
class BotApi:
    """Answers `sendMessage` like Telegram; `answers` (HTTP status, JSON body) are given in turn, then ok."""

    url: str = ""
    requests: list[Request] = field(default_factory=list)
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def sent(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.body is not None and r.path.endswith("/sendMessage")]

    def answer(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        self.requests.append(Request(method, path, body))
        if self.answers:
            return self.answers.pop(0)
        return 200, {"ok": True, "result": {"message_id": len(self.requests)}}


def too_many(seconds: int) -> tuple[int, dict[str, Any]]:
    return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {seconds}",
                 "parameters": {"retry_after": seconds}}


CHAT_NOT_FOUND = (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
UNAUTHORIZED = (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
SERVER_ERROR = (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})


@contextmanager
def bot_api() -> Iterator[BotApi]:
    api = BotApi()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw.decode("utf-8")) if raw else None
            status, answer = api.answer(method, self.path, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            self._reply("POST")

        def do_GET(self) -> None:
            self._reply("GET")

        def log_message(self, format: str, *args: object) -> None:  # the test's output stays quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    port: int = 0
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(bytes(envelope.content or b""), policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((str(envelope.mail_from), list(envelope.rcpt_tos), message))
        return "250 OK"


@contextmanager
def smtp_server(password: str | None = None) -> Iterator[Mailbox]:
    """A plain SMTP server; with `password`, it offers AUTH (without TLS) and accepts only that password."""
    box = Mailbox(port=free_port())

    def authenticate(server: object, session: Session, envelope: Envelope, mechanism: str, data: object) -> AuthResult:
        if isinstance(data, LoginPassword) and data.password.decode() == password:
            box.logins.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    options: dict[str, Any] = {"authenticator": authenticate, "auth_require_tls": False} if password else {}
    controller = Controller(box, hostname="127.0.0.1", port=box.port, **options)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
