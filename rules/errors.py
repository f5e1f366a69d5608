"""The project's one error base class, and the exit codes the CLI maps errors to.

Every message says what is wrong and how to fix it, in the user's terms. Messages
never carry a reporter's or a victim's data: they name tabs, columns and rows.
"""

from __future__ import annotations

from pathlib import PurePath


class SapaError(Exception):
    """An error the CLI reports as one clear line, without a traceback."""

    exit_code = 1


class InputError(SapaError):
    """Bad configuration or input file: the user must change something (exit 2)."""

    exit_code = 2


class ConfigError(InputError):
    """The configuration file is missing, unreadable or invalid."""


class StructureError(InputError):
    """The spreadsheet lacks something the worker needs (a tab, a column)."""


class TransientError(SapaError):
    """Something that may work at the next cycle (a lock, a busy API)."""


class PayloadTooLarge(TransientError):
    """Google refused a request as too large ("Request payload size exceeds the limit"): nothing of
    it was applied; the same changes fit when sent in smaller parts (see sync/cycle/batches.py)."""


class RequestRefused(SapaError):
    """Google refused a write for a reason the next cycle does not change (a protected range,
    a cell over Google's limit, a bug): a person must act, retrying alone never helps."""


def where(err: BaseException) -> str:
    """File and line where an error was raised, without its message (which may quote a reporter's text)."""
    trace = err.__traceback__
    while trace and trace.tb_next:
        trace = trace.tb_next
    if trace is None:
        return "?"
    return f"{PurePath(trace.tb_frame.f_code.co_filename).name}:{trace.tb_lineno}"


class LoginRefused(ConfigError):
    """Google refused the worker's saved credentials: no cycle can run until a person logs in again."""


class ProbeRefused(ConfigError):
    """The last `doctor --probe` found Google contradicting a behaviour the worker relies on: no cycle
    may run until a later probe confirms it (after an update)."""


class RegisterLost(StructureError):
    """The case register lacks cases the worker knows (its tab deleted or cleared): no cycle writes until it
    is restored, since a case rebuilt from its response loses its history. `staff`: the same in Indonesian,
    for the log tab and `status`. Raises the alarm at once (sync/commands/health.py)."""

    def __init__(self, message: str, staff: str) -> None:
        super().__init__(message)
        self.staff = staff
