"""Log events and the small record helpers the cycle's steps share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rules import values
from sync.cycle.context import Context
from sync.cycle.tabs import L
from sync.stores.store import AppendRow, Operation, Table

SYSTEM = "Sistem"
ADMIN = "Admin"

Record = dict[str, object]  # one row of a tab, by header


@dataclass(frozen=True)
class Event:
    """One line of the activity log. `detail` never holds a reporter's or victim's data."""

    subject: str
    role: str
    action: str
    code: str
    detail: str = ""


def records(table: Table | None, key: str) -> dict[str, Record]:
    """A tab's rows by key; the first row wins when staff copied a row."""
    out: dict[str, Record] = {}
    if table is None:
        return out
    for record in table.records():
        ident = values.text(record.get(key))
        if ident and ident not in out:
            out[ident] = record
    return out


def log_rows(events: Iterable[Event], ctx: Context, stamp: datetime) -> list[Operation]:
    return [
        AppendRow(ctx.tabs.log.name, (
            (L.TIME, stamp), (L.ID, e.subject), (L.ROLE, e.role),
            (L.ACTION, e.action), (L.CODE, e.code), (L.DETAIL, e.detail or None),
        ))
        for e in events
    ]
