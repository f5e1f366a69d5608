"""One interface for every channel: `send(address, text, subject) -> Delivery`.

A channel never raises (a network error is `Delivery(ok=False, ...)`), waits at most `TIMEOUT`
seconds, and never sleeps: the sender decides when to try again (`retry_after`, `permanent`).
A Delivery's error is short English for the operator; it never holds the token, the password
or the message's text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from config.notify import split_recipient
from config.settings import Settings
from sync.notify.delivery import TIMEOUT, Delivery
from sync.notify.email import EmailChannel
from sync.notify.telegram import TelegramChannel

__all__ = ["TIMEOUT", "Channel", "Delivery", "EmailChannel", "TelegramChannel", "Unusable", "channels_from",
           "split_recipient"]


class Channel(Protocol):
    def send(self, address: str, text: str, subject: str) -> Delivery: ...


@dataclass(frozen=True)
class Unusable:
    """A channel some recipient needs but that lacks its setting or secret: every send says what to set."""

    reason: str

    def send(self, address: str, text: str, subject: str) -> Delivery:
        return Delivery(ok=False, error=self.reason, permanent=True)


def channels_from(settings: Settings, environ: Mapping[str, str] = os.environ) -> Mapping[str, Channel]:
    """The channels the recipients use, keyed "telegram" / "email"; only those configured or needed.

    A channel a recipient needs but whose token or password is not in the environment is `Unusable`,
    so that each of its messages fails saying which variable to set (and `doctor` says it at once).
    """
    notify = settings.notify
    needed = notify.kinds
    out: dict[str, Channel] = {}
    token = environ.get(notify.telegram.token_env, "").strip()
    if token:
        out["telegram"] = TelegramChannel(notify.telegram.api_url, token)
    elif "telegram" in needed:
        out["telegram"] = Unusable(
            f"the bot token is not set: put it in the environment variable {notify.telegram.token_env} where "
            "the worker runs (notify.telegram.token_env names the variable)")
    email = notify.email
    password = environ.get(email.password_env, "")
    if email.host and email.from_address:
        if email.user and not password:
            out["email"] = Unusable(
                f"the SMTP password is not set: put it (for Gmail an app password) in the environment variable "
                f"{email.password_env} where the worker runs (notify.email.password_env names the variable)")
        else:
            out["email"] = EmailChannel(email, password or None)
    return out
