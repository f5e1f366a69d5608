"""The project's one error base class, and the exit codes the CLI maps errors to.

What Google refuses (a write, a login, a probe) is said by subclasses beside the Google store
(sync/stores/refusals.py).

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


def where(err: BaseException) -> str:
    """File and line where an error was raised, without its message (which may quote a reporter's text)."""
    trace = err.__traceback__
    while trace and trace.tb_next:
        trace = trace.tb_next
    if trace is None:
        return "?"
    return f"{PurePath(trace.tb_frame.f_code.co_filename).name}:{trace.tb_lineno}"


class RegisterLost(StructureError):
    """The case register lacks cases the worker knows (its tab deleted or cleared): no cycle writes until it
    is restored, since a case rebuilt from its response loses its history. `staff`: the same in Indonesian,
    for the log tab and `status`. Raises the alarm at once (sync/commands/health.py)."""

    def __init__(self, message: str, staff: str) -> None:
        super().__init__(message)
        self.staff = staff
