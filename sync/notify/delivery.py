"""What a channel says came back from one send (`sync.notify.channels` is the interface to import)."""

from __future__ import annotations

import re
from dataclasses import dataclass

TIMEOUT = 10.0  # seconds: a channel that is down costs the cycle this long per message at most


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None = None  # English, short, never the token/password, never the message
    retry_after: float | None = None  # seconds the channel asked to wait (Telegram 429 `retry_after`)
    permanent: bool = False  # retrying will not help (400 chat not found, 401/403 bad token; 5xx is NOT)


def scrub(text: str, *secrets: str | None) -> str:
    """`text` without any of `secrets`, nor anything shaped like a bot token, cut short."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    text = re.sub(r"\d{5,}:[A-Za-z0-9_-]{20,}", "<secret>", text)  # a Telegram bot token, wherever it came from
    return text if len(text) <= 300 else text[:297] + "..."
