"""What Google refuses, as the project's errors: raised by the Google store, its login and `doctor
--probe`, caught by the cycle (a write too large is sent in parts) and the commands (a refused login
or probe stops `run`). They live beside the Google store, not in the pure core (`rules/errors.py`
keeps the base classes and their exit codes).

This module imports nothing of the project but `rules.errors`, so the Google modules that raise
these (`google_auth`, `google_errors`, `google_store`) can all import it without a circle.
"""

from __future__ import annotations

from rules.errors import ConfigError, SapaError, TransientError


class PayloadTooLarge(TransientError):
    """Google refused a request as too large ("Request payload size exceeds the limit"): nothing of
    it was applied; the same changes fit when sent in smaller parts (see sync/cycle/batches.py)."""


class RequestRefused(SapaError):
    """Google refused a write for a reason the next cycle does not change (a protected range,
    a cell over Google's limit, a bug): a person must act, retrying alone never helps."""


class LoginRefused(ConfigError):
    """Google refused the worker's saved credentials: no cycle can run until a person logs in again."""


class ProbeRefused(ConfigError):
    """The last `doctor --probe` found Google contradicting a behaviour the worker relies on: no cycle
    may run until a later probe confirms it (after an update)."""
