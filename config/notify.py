"""Notifications (issue 24): who is told, over which channel, and how the channels connect.

Embedded as `Settings.notify`; every key is optional, so a configuration written before
notifications existed stays valid (and notifies nobody). No secret is ever in this file:
the bot token and the SMTP password are read from the environment variables it names.

`split_recipient` lives here, not beside the channels (`sync.notify.channels` re-exports it),
because config must not import sync, and both the validation and the sender read recipients.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator, model_validator

from rules.workflow import ROLES

OPERATOR = "operator"  # the worker's own alarms go to this "role"
RECIPIENT_ROLES: tuple[str, ...] = (*ROLES, OPERATOR)
CHANNEL_KINDS = ("telegram", "email")

_TELEGRAM_CHAT = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31}")  # a chat id, or @channelusername
_EMAIL = re.compile(r"[^@\s:,;<>]+@[^@\s:,;<>]+\.[^@\s:,;<>.]+")
_HOUR_MINUTE = re.compile(r"(\d{1,2}):(\d{2})")

EXAMPLES = "telegram:-1001234567 (a group's chat id), telegram:123456789 (a person's) or email:kabid@example.go.id"


def split_recipient(recipient: str) -> tuple[str, str]:
    """"telegram:-100123" -> ("telegram", "-100123"); a ValueError saying how to write it otherwise."""
    kind, colon, address = recipient.strip().partition(":")
    kind, address = kind.strip().lower(), address.strip()
    if not colon or kind not in CHANNEL_KINDS or not address:
        raise ValueError(f"recipient {recipient!r} is not '<channel>:<address>': write it as {EXAMPLES}")
    if kind == "telegram" and not _TELEGRAM_CHAT.fullmatch(address):
        raise ValueError(f"{recipient!r}: a Telegram chat id is a number, e.g. telegram:-1001234567 for a group "
                         "(README, 'Notifikasi', says how to find it), or @channelusername for a channel")
    if kind == "email" and not _EMAIL.fullmatch(address):
        raise ValueError(f"{recipient!r} is not an e-mail address: write it as email:kabid@example.go.id")
    return kind, address


def _hour_minute(value: object) -> object:
    """"21:00" -> 21:00. YAML reads an unquoted 21:00 as the number 1260 (base 60): taken back as 21:00."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 60 <= value < 24 * 60:
        return time(value // 60, value % 60)
    found = _HOUR_MINUTE.fullmatch(value.strip()) if isinstance(value, str) else None
    if found and int(found[1]) < 24 and int(found[2]) < 60:
        return time(int(found[1]), int(found[2]))
    raise ValueError(f"{value!r} is not a time of day: write it as \"HH:MM\" in quotes, e.g. \"21:00\"")


HourMinute = Annotated[
    time,
    BeforeValidator(_hour_minute),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json"),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuietHours(_Strict):
    """Non-urgent messages wait from `start` to `end` (local time; it may span midnight)."""

    start: HourMinute
    end: HourMinute

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("quiet_hours start and end are the same time: give a span, e.g. start: \"21:00\", "
                             "end: \"06:00\", or set quiet_hours: null for none")
        return self


class Telegram(_Strict):
    """A Telegram bot (made with BotFather) writing to people or to the office's group."""

    api_url: str = Field(default="https://api.telegram.org",
                         description="the Bot API's address (another one for a proxy or a test server)")
    token_env: str = Field(default="SAPA_TELEGRAM_TOKEN",
                           description="the environment variable holding the bot token (never printed)")

    @field_validator("api_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value.strip()):
            raise ValueError(f"{value!r} is not a web address: write it as https://api.telegram.org")
        return value.strip().rstrip("/")


class Email(_Strict):
    """An SMTP server: a Gmail address with an app password works (smtp.gmail.com, 587, starttls)."""

    host: str | None = Field(default=None, description="e.g. smtp.gmail.com")
    port: int = Field(default=587, ge=1, le=65535, description="587 for starttls, 465 for ssl")
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = Field(default=None, description="the login (a Gmail address); empty: no login")
    password_env: str = Field(default="SAPA_SMTP_PASSWORD",
                              description="the environment variable holding the password (never printed)")
    sender: str | None = Field(default=None, description="the From: address (empty: user)")

    @property
    def from_address(self) -> str | None:
        return self.sender or self.user


class Notify(_Strict):
    """Who gets the worker's messages (per role, and the operator), and how they are sent."""

    recipients: dict[str, list[str]] = Field(
        default_factory=lambda: {role: list[str]() for role in RECIPIENT_ROLES},
        description="per role (and operator: the worker's own alarms), telegram:<chat id> or email:<address>",
    )
    telegram: Telegram = Telegram()
    email: Email = Email()
    quiet_hours: QuietHours | None = Field(
        default=None, description="e.g. {start: \"21:00\", end: \"06:00\"}; DARURAT and alarms are sent anyway",
    )
    digest_at: HourMinute | None = Field(default=time(7, 30), description="the daily digest (local time); null: none")
    max_attempts: int = Field(default=6, ge=1, le=100,
                              description="a message failing this many times is given up (status says so)")

    @field_validator("recipients", mode="before")
    @classmethod
    def _lists(cls, value: object) -> object:
        """`admin:` left empty is no recipient; a single recipient needs no list."""
        if not isinstance(value, dict):
            return value
        return {k: [] if v is None else [v] if isinstance(v, str) else v for k, v in value.items()}

    @field_validator("recipients")
    @classmethod
    def _known(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(RECIPIENT_ROLES))
        if unknown:
            raise ValueError(f"unknown roles {unknown}: use some of {list(RECIPIENT_ROLES)} ({OPERATOR}: the "
                             "worker's own alarms)")
        for recipients in value.values():
            for recipient in recipients:
                split_recipient(recipient)
        return {role: list(dict.fromkeys(r.strip() for r in value.get(role, []))) for role in RECIPIENT_ROLES}

    @model_validator(mode="after")
    def _email_server(self) -> Notify:
        if "email" in self.kinds and not (self.email.host and self.email.from_address):
            raise ValueError("notify.recipients has e-mail recipients: set notify.email.host (e.g. smtp.gmail.com) "
                             "and notify.email.user (or notify.email.sender, the From: address)")
        return self

    def recipients_of(self, role: str) -> tuple[str, ...]:
        return tuple(self.recipients.get(role, ()))

    @property
    def enabled(self) -> bool:
        return any(self.recipients.values())

    @property
    def kinds(self) -> frozenset[str]:
        """The channels some recipient uses."""
        return frozenset(split_recipient(r)[0] for rs in self.recipients.values() for r in rs)
