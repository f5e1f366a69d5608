"""Injected failures: error answers, timeouts, crashes and a per-minute quota."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .errors import ApiError


@dataclass
class Fault:
    """One scheduled failure.

    ``kind`` is ``"status"`` (answer ``status`` with Google's error body, or ``error`` as given),
    ``"timeout"`` (the client sees a timeout) or ``"crash"`` (``SimulatedCrash``).
    With ``applied=True`` the request is carried out first and only the answer is lost.
    """

    kind: str
    method_id: str | None = None
    status: int = 429
    times: int = 1
    applied: bool = False
    every: int = 0
    seen: int = 0
    countdown: int = 0
    error: ApiError | None = None

    def matches(self, method_id: str) -> bool:
        return self.method_id is None or self.method_id == method_id

    def fires(self, method_id: str) -> bool:
        """Called once per request; True when this fault takes the request."""
        if not self.matches(method_id):
            return False
        if self.countdown:
            self.countdown -= 1
            if self.countdown:
                return False
            self.times = 0
            return True
        if self.every:
            self.seen += 1
            return self.seen % self.every == 0
        if self.times > 0:
            self.times -= 1
            return True
        return False

    @property
    def spent(self) -> bool:
        return not self.every and self.times <= 0 and not self.countdown


@dataclass
class RateLimit:
    """Google's per-user quota: at most ``per_minute`` reads and writes each, per API."""

    per_minute: int = 60
    clock: Callable[[], float] = time.monotonic
    windows: dict[tuple[str, bool], deque[float]] = field(default_factory=dict)

    def allow(self, api: str, write: bool) -> bool:
        now = self.clock()
        window = self.windows.setdefault((api, write), deque())
        while window and now - window[0] >= 60:
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(now)
        return True
