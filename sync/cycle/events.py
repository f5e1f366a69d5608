"""Log events: what the cycle did, as rows of the activity log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sync.cycle.context import Context
from sync.cycle.tabs import L
from sync.stores.store import AppendRow, Operation

SYSTEM = "Sistem"
ADMIN = "Admin"


@dataclass(frozen=True)
class Event:
    """One line of the activity log. `detail` never holds a reporter's or victim's data."""

    subject: str
    role: str
    action: str
    code: str
    detail: str = ""


def log_rows(events: Iterable[Event], ctx: Context, stamp: datetime) -> list[Operation]:
    return [
        AppendRow(ctx.tabs.log.name, (
            (L.TIME, stamp), (L.ID, e.subject), (L.ROLE, e.role),
            (L.ACTION, e.action), (L.CODE, e.code), (L.DETAIL, e.detail or None),
        ))
        for e in events
    ]
