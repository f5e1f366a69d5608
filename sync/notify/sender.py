"""Send the outbox tab's waiting messages, once the cycle's write has landed, and mark them.

A message is a row of the outbox tab (sync/cycle/notify_step.py). It is sent to every
recipient of its roles (`notify.recipients`) that has not had it yet ("Terkirim ke"), so a
recipient whose channel failed is tried again at a later cycle without the others getting it
twice. A failure waits longer each time (1, 2, 4 ... 60 minutes, or what Telegram asks), and
after `notify.max_attempts` the row is given up ("gagal"), which `status` shows. Outside
the urgent ones (DARURAT, the worker's alarms), nothing is sent in quiet hours: the rows wait.
A channel never raises and is never waited for: a cycle is never failed or held by a channel.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from config.notify import Notify
from rules.notices import in_quiet_hours
from sync.cycle.notify_step import GAVE_UP, SENT, WAITING, audience_roles, waiting
from sync.cycle.records import OutboxEntry, outbox_entry
from sync.cycle.tabs import Layout, N
from sync.notify.channels import Channel, Delivery, split_recipient
from sync.stores.store import AppendRow, Snapshot, Store, UpdateRow, WritePlan

log = logging.getLogger(__name__)

LONGEST_WAIT = timedelta(minutes=60)


@dataclass
class Sent:
    """What one round of sending did (counts only: no message text, no address)."""

    sent: int = 0
    failed: int = 0
    waiting: int = 0  # quiet hours, or waiting to try again


class Sender:
    def __init__(self, channels: Mapping[str, Channel], notify: Notify) -> None:
        self.channels = channels
        self.notify = notify

    def after_write(self, store: Store, snapshot: Snapshot, plan: WritePlan, layout: Layout, now: datetime) -> Sent:
        """Send what waits in the outbox as read, and what the written `plan` added to it; mark it."""
        table = snapshot.tabs.get(layout.name)
        entries = waiting(table)
        base = (table.row_numbers[-1] if table is not None and table.row_numbers else 1) + 1
        added = [op for op in plan.operations if isinstance(op, AppendRow) and op.tab == layout.name]
        entries += [outbox_entry(base + i, dict(op.cells)) for i, op in enumerate(added)]
        result = Sent()
        updates = [u for entry in entries if (u := self._send(layout, entry, now, result))]
        given_up = [u.key for u in updates if dict(u.cells).get(N.STATUS) == GAVE_UP]
        if given_up:  # through every operator channel: the one that failed may be one of them
            self.alert_operator(f"PERINGATAN sapa-sync: {len(given_up)} notifikasi tidak dapat dikirim dan tidak "
                                f"dicoba lagi ({', '.join(given_up[:3])}). Lihat kolom Keterangan di tab "
                                f"'{layout.name}' dan jalankan `python -m sync doctor --notify-test`.")
        if updates:
            try:  # a store writes what it read: read again (Google: one full read, only when something was sent)
                store.read([layout.name])
                store.write(WritePlan(tuple(updates)))
            except Exception as error:
                log.warning("notifications were sent but could not be marked as sent (%s): they may be sent "
                            "again at the next cycle", error)
        if result.sent or result.failed:
            log.info("notifications: %d sent, %d failed, %d waiting", result.sent, result.failed, result.waiting)
        return result

    def alert_operator(self, text: str) -> bool:
        """Send `text` to the operator's recipients at once (the worker's alarm: the spreadsheet may be what
        fails, so no outbox); whether any got it."""
        ok = False
        for recipient in self.notify.recipients_of("operator"):
            delivery = self._deliver(recipient, text)
            ok = ok or delivery.ok
            if not delivery.ok:
                log.warning("the alarm could not be sent to an operator recipient: %s", delivery.error)
        return ok

    def _send(self, layout: Layout, entry: OutboxEntry, now: datetime, result: Sent) -> UpdateRow | None:
        recipients = _unique(r for role in audience_roles(entry.to) for r in self.notify.recipients_of(role))
        done = set(entry.delivered)
        todo = [r for r in recipients if r not in done]
        quiet = self.notify.quiet_hours
        if todo and not entry.urgent and quiet is not None and in_quiet_hours(now.time(), quiet.start, quiet.end):
            result.waiting += 1
            return None
        attempts, last = entry.attempts, entry.last
        if todo and attempts and isinstance(last, datetime) and now < last + _wait(attempts):
            result.waiting += 1
            return None
        text = entry.text
        errors: list[str] = []
        given_up: list[str] = []
        for recipient in todo:
            delivery = self._deliver(recipient, text)
            if delivery.ok:
                done.add(recipient)
                result.sent += 1
                continue
            result.failed += 1
            errors.append(f"{recipient}: {delivery.error or 'gagal'}")
            if delivery.permanent:
                given_up.append(recipient)
        left = [r for r in recipients if r not in done and r not in given_up]
        attempts += 1 if todo else 0
        if not left:
            status = SENT if not given_up else GAVE_UP
        elif attempts >= self.notify.max_attempts:
            status = GAVE_UP
        else:
            status = WAITING
        return UpdateRow(layout.name, N.KEY, entry.key, entry.row, (
            (N.STATUS, status), (N.DELIVERED, ", ".join(r for r in recipients if r in done) or None),
            (N.ATTEMPTS, attempts), (N.LAST, now.replace(microsecond=0) if todo else last),
            (N.NOTE, "; ".join(errors)[:500] or None),
        ))

    def _deliver(self, recipient: str, text: str) -> Delivery:
        try:
            kind, address = split_recipient(recipient)
        except ValueError as error:
            return Delivery(False, str(error), permanent=True)
        channel = self.channels.get(kind)
        if channel is None:
            return Delivery(False, f"no {kind} channel is configured", permanent=True)
        return channel.send(address, text, "SAPA: " + text.split("\n", 1)[0][:80])


def _wait(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** (attempts - 1)), LONGEST_WAIT)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
