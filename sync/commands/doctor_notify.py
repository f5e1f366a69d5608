"""`python -m sync doctor` on notifications: the channels' settings, and with `--notify-test` one
test message to every recipient, saying per recipient what came back.

The test message says nothing of any case; it goes once to each distinct recipient, whichever roles
list it. Nothing is written to the spreadsheet or the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from config.settings import Settings
from sync.commands.findings import Finding, error, ok
from sync.notify.channels import Channel, Delivery, Unusable, split_recipient

TEST_TEXT = "Tes notifikasi sapa-sync: pesan ini dikirim oleh `doctor --notify-test`. Tidak perlu dibalas."
TEST_SUBJECT = "Tes notifikasi sapa-sync"
HOW = ("isi notify.recipients di konfigurasi, mis. admin: ['telegram:-1001234567'] atau "
       "kabid: ['email:kabid@contoh.go.id'] (README, 'Notifikasi') / set notify.recipients in the configuration, "
       "e.g. admin: ['telegram:-1001234567'] or kabid: ['email:kabid@example.go.id'] (README, 'Notifikasi')")


@dataclass(frozen=True)
class Tried:
    recipient: str
    roles: tuple[str, ...]
    delivery: Delivery


def recipients(settings: Settings) -> dict[str, tuple[str, ...]]:
    """Each distinct recipient, with the roles that list it (in the configuration's order)."""
    found: dict[str, list[str]] = {}
    for role, listed in settings.notify.recipients.items():
        for recipient in listed:
            found.setdefault(recipient, []).append(role)
    return {recipient: tuple(roles) for recipient, roles in found.items()}


def notify_findings(settings: Settings, channels: Mapping[str, Channel]) -> list[Finding]:
    """An error for a channel some recipient needs but that cannot send; nothing when nobody is notified."""
    if not settings.notify.enabled:
        return []
    out = [error("notify", f"Notifikasi {kind} belum dapat dikirim: {channel.reason}.",
                 f"{kind.capitalize()} notifications cannot be sent: {channel.reason}.")
           for kind, channel in sorted(channels.items()) if isinstance(channel, Unusable)]
    if not out:
        count = len(recipients(settings))
        out.append(ok("notify", f"Notifikasi: {count} penerima ({', '.join(sorted(channels))}). Coba dengan "
                                "`python -m sync doctor --notify-test`.",
                      f"Notifications: {count} recipient(s) ({', '.join(sorted(channels))}). Try them with "
                      "`python -m sync doctor --notify-test`."))
    return out


def notify_test(settings: Settings, channels: Mapping[str, Channel]) -> list[Tried]:
    """Send the test message to every recipient, one after the other (each waits at most the channel's timeout)."""
    tried: list[Tried] = []
    for recipient, roles in recipients(settings).items():
        kind, address = split_recipient(recipient)
        channel = channels.get(kind)
        delivery = (channel.send(address, TEST_TEXT, TEST_SUBJECT) if channel is not None
                    else Delivery(ok=False, error=f"no {kind} channel is configured", permanent=True))
        tried.append(Tried(recipient, roles, delivery))
    return tried


def render(tried: Sequence[Tried]) -> str:
    if not tried:
        return f"Uji notifikasi / Notification test: belum ada penerima / no recipients: {HOW}."
    lines = [f"Uji notifikasi / Notification test: pesan uji ke {len(tried)} penerima / a test message to "
             f"{len(tried)} recipient(s)"]
    for one in tried:
        who = f"{one.recipient} ({', '.join(one.roles)})"
        if one.delivery.ok:
            lines.append(f"[OK] {who}: terkirim / sent")
        else:
            lines.append(f"[GAGAL / FAILED] {who}: {one.delivery.error}")
    sent = sum(1 for one in tried if one.delivery.ok)
    lines.append(f"Ringkasan / Summary: {sent} terkirim / sent, {len(tried) - sent} gagal / failed.")
    if sent < len(tried):
        lines.append("Periksa penerima yang gagal (pesan galat di atas), lalu jalankan lagi / Fix the failed "
                     "recipients (the errors above), then run again: python -m sync doctor --notify-test")
    return "\n".join(lines)


def exit_code(tried: Sequence[Tried]) -> int:
    """0 when every message went, 1 when any failed, 2 when there is no recipient to try (configuration)."""
    if not tried:
        return 2
    return 0 if all(one.delivery.ok for one in tried) else 1
