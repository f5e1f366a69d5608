"""E-mail over SMTP with the standard library: STARTTLS (587), SSL (465) or none (a relay inside the office).

A Gmail address works with an app password (Google account → Security → 2-Step Verification →
App passwords): host smtp.gmail.com, port 587, security starttls, user the address. The password
comes from the environment (`notify.email.password_env`) and never appears in a Delivery or a log.

One connection per message: the worker sends a few messages a cycle, and a connection kept between
cycles would only go stale. SMTP's own classes decide what is permanent: a 5xx reply (a refused
address, a refused login) is, a 4xx reply or an unreachable server is not. A server that offers no
STARTTLS, or speaks TLS where plain was expected (the port of the other security), is a setting to fix.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from config.notify import Email
from sync.notify.delivery import TIMEOUT, Delivery, scrub


class EmailChannel:
    """Sends plain-text UTF-8 mail through the configured SMTP server."""

    def __init__(self, settings: Email, password: str | None, *, timeout: float = TIMEOUT,
                 context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self._password = password
        self.timeout = timeout
        self._context = context or ssl.create_default_context()

    def __repr__(self) -> str:
        email = self.settings
        return f"EmailChannel(host={email.host!r}, port={email.port}, security={email.security!r})"

    def send(self, address: str, text: str, subject: str) -> Delivery:
        try:
            with self._connect() as smtp:
                if self.settings.security == "starttls":
                    smtp.starttls(context=self._context)
                if self.settings.user and self._password:
                    smtp.login(self.settings.user, self._password)
                smtp.send_message(self._message(address, text, subject))
        except Exception as err:  # a channel never raises; what came back, in the operator's terms
            return self._failure(err, address)
        return Delivery(ok=True)

    def _connect(self) -> smtplib.SMTP:
        host, port = self.settings.host or "", self.settings.port
        if self.settings.security == "ssl":
            return smtplib.SMTP_SSL(host, port, timeout=self.timeout, context=self._context)
        return smtplib.SMTP(host, port, timeout=self.timeout)

    def _message(self, address: str, text: str, subject: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.from_address or ""
        message["To"] = address
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=(self.settings.from_address or "sapa-sync").rpartition("@")[2])
        message.set_content(text, charset="utf-8", cte="quoted-printable")
        return message

    def _failure(self, err: Exception, address: str) -> Delivery:
        server = f"{self.settings.host}:{self.settings.port}"
        if isinstance(err, smtplib.SMTPAuthenticationError):
            return self._said(True, f"the SMTP server {server} refused the login ({err.smtp_code}): check "
                                    "notify.email.user and the password (for Gmail an app password)")
        if isinstance(err, smtplib.SMTPRecipientsRefused):
            codes = sorted({code for code, _ in err.recipients.values()})
            permanent = all(code >= 500 for code in codes)
            return self._said(permanent, f"the SMTP server {server} refused the address {address} {codes}")
        if isinstance(err, smtplib.SMTPNotSupportedError):
            return self._said(True, f"the SMTP server {server} offers no STARTTLS: set notify.email.security to "
                                    "ssl (usually port 465), or check host and port")
        if isinstance(err, smtplib.SMTPResponseException):
            return self._said(err.smtp_code >= 500, f"the SMTP server {server} answered {err.smtp_code}")
        if isinstance(err, ssl.SSLError):
            return self._said(True, f"TLS with {server} failed ({type(err).__name__}): check notify.email.security "
                                    "and port (starttls: 587, ssl: 465) and the host's name")
        if isinstance(err, smtplib.SMTPServerDisconnected):
            return self._said(False, f"the SMTP server {server} closed the connection (a TLS server on a plain "
                                     "port? check notify.email.security and port)")
        if isinstance(err, TimeoutError):
            return self._said(False, f"the SMTP server {server} did not answer within {self.timeout:g} s")
        if isinstance(err, OSError | smtplib.SMTPException):
            return self._said(False, f"cannot reach the SMTP server {server} ({type(err).__name__})")
        return self._said(False, f"unexpected {type(err).__name__} sending mail through {server}")

    def _said(self, permanent: bool, error: str) -> Delivery:
        return Delivery(ok=False, error=scrub(error, self._password), permanent=permanent)
