"""Notifications through the cycle, on both backends (issue 24): a DARURAT complaint reaches the Admin and
the Sub Koordinator in the cycle that takes it in, each message once, also when the worker stopped between
its write and its sends; a channel that is down delays only its own recipient; nothing personal is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from config.settings import Settings
from rules.errors import SapaError
from sync.commands.selftest.office import Backend, response_row
from sync.commands.status import status, tabs_read
from sync.cycle.context import Context
from sync.cycle.notify_step import SENT, WAITING
from sync.cycle.run import run_cycle
from sync.cycle.tabs import N
from sync.notify.channels import Delivery
from sync.notify.sender import Sender
from tests.conftest import NOW

ADMIN, SUBKOOR = "telegram:-1001", "email:subkoor@dinas.example"
EMAIL = {"email": {"host": "smtp.dinas.example", "user": "sapa@dinas.example"}}
VICTIM, REPORTER, PHONE, ADDRESS = "Melati Kusuma", "Budi Santoso", "0812-7777-3131", "Jl. Kenanga No. 9"


@dataclass
class FakeChannel:
    """Records what it is asked to send; fails while `down`."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    down: bool = False

    def send(self, address: str, text: str, subject: str) -> Delivery:
        if self.down:
            return Delivery(False, "HTTP 502 from the channel")
        self.sent.append((address, text))
        return Delivery(True)


def notifying() -> Context:
    return Context.from_settings(Settings.model_validate(
        {"notify": {"recipients": {"admin": [ADMIN], "subkoor": [SUBKOOR]}, "digest_at": None, **EMAIL}}))


def darurat(backend: Backend, ctx: Context) -> None:
    backend.create([response_row(in_danger="Ya", victim_name=VICTIM, reporter_name=REPORTER,
                                 reporter_phone=PHONE, victim_address=ADDRESS, story="Korban dipukul ayahnya.")],
                   ctx.settings)


def outbox(backend: Backend, ctx: Context) -> list[dict[str, object]]:
    assert ctx.tabs.outbox is not None
    rows = backend.tab(ctx.tabs.outbox.name)
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def test_a_darurat_complaint_reaches_admin_and_subkoor_in_the_cycle_that_takes_it_in(backend) -> None:
    ctx = notifying()
    darurat(backend, ctx)
    telegram, email = FakeChannel(), FakeChannel()
    sender = Sender({"telegram": telegram, "email": email}, ctx.settings.notify)
    run_cycle(backend.store(), ctx, NOW, backend.writer(), sender=sender)

    assert [a for a, _ in telegram.sent] == ["-1001"] and [a for a, _ in email.sent] == ["subkoor@dinas.example"]
    assert "SAPA-2026-0001" in telegram.sent[0][1] and "DARURAT" in telegram.sent[0][1]
    rows = outbox(backend, ctx)
    assert [r[N.STATUS] for r in rows] == [SENT] and str(rows[0][N.DELIVERED]) == f"{ADMIN}, {SUBKOOR}"
    for _, text in telegram.sent + email.sent:
        assert not any(v in text for v in (VICTIM, REPORTER, PHONE, "7777", ADDRESS)), text

    for minutes in (1, 2):
        run_cycle(backend.store(), ctx, NOW + timedelta(minutes=minutes), backend.writer(), sender=sender)
    assert len(telegram.sent) == len(email.sent) == 1, "sent once"


def test_a_worker_stopped_between_its_write_and_its_sends_sends_each_message_once(backend) -> None:
    ctx = notifying()
    darurat(backend, ctx)
    run_cycle(backend.store(), ctx, NOW, backend.writer())  # the write landed; the process died before sending
    assert [r[N.STATUS] for r in outbox(backend, ctx)] == [WAITING]

    telegram, email = FakeChannel(), FakeChannel()
    sender = Sender({"telegram": telegram, "email": email}, ctx.settings.notify)
    for minutes in (1, 2, 3):
        run_cycle(backend.store(), ctx, NOW + timedelta(minutes=minutes), backend.writer(), sender=sender)
    assert len(telegram.sent) == len(email.sent) == 1
    assert [r[N.STATUS] for r in outbox(backend, ctx)] == [SENT]


def test_a_channel_that_is_down_delays_only_its_recipients_and_never_fails_the_cycle(backend) -> None:
    ctx = notifying()
    darurat(backend, ctx)
    telegram, email = FakeChannel(down=True), FakeChannel()
    sender = Sender({"telegram": telegram, "email": email}, ctx.settings.notify)
    run_cycle(backend.store(), ctx, NOW, backend.writer(), sender=sender)
    row = outbox(backend, ctx)[0]
    assert (row[N.STATUS], row[N.DELIVERED], row[N.ATTEMPTS]) == (WAITING, SUBKOOR, 1)
    assert "502" in str(row[N.NOTE])
    figures = status(backend.store().read(tabs_read(ctx)), ctx, ctx.local_time(NOW))
    assert figures["notifications"] == {"enabled": True, "sent": 0, "pending": 1, "given_up": 0,
                                        "failing": {"telegram": 1}}
    assert any("belum terkirim ke telegram" in m for m in figures["messages"])

    telegram.down = False
    run_cycle(backend.store(), ctx, NOW + timedelta(seconds=30), backend.writer(), sender=sender)
    assert telegram.sent == [], "tried again only after a wait"
    run_cycle(backend.store(), ctx, NOW + timedelta(minutes=2), backend.writer(), sender=sender)
    assert len(telegram.sent) == 1 and len(email.sent) == 1, "the e-mail was not sent twice"
    assert outbox(backend, ctx)[0][N.STATUS] == SENT


def test_without_recipients_there_is_no_outbox_and_no_new_log_row(backend, settings, cycle) -> None:
    backend.create([response_row(in_danger="Ya")], settings)
    result = cycle()
    assert "Notifikasi" not in backend.tabs()
    assert result.count("deadline_near") == result.count("deadline_missed") == 0


def test_a_late_case_is_logged_once_and_told_once(backend) -> None:
    ctx = notifying()
    backend.create([response_row(timestamp=datetime(2026, 11, 20, 9, 0), in_danger="Tidak")], ctx.settings)
    telegram, email = FakeChannel(), FakeChannel()
    sender = Sender({"telegram": telegram, "email": email}, ctx.settings.notify)
    first = run_cycle(backend.store(), ctx, NOW, backend.writer(), sender=sender)
    again = run_cycle(backend.store(), ctx, NOW + timedelta(minutes=5), backend.writer(), sender=sender)
    assert first.count("deadline_missed") == 1 and again.count("deadline_missed") == 0


def test_the_worker_s_alarm_and_its_recovery_reach_the_operator_directly(backend, tmp_path) -> None:
    """Not through the spreadsheet's outbox: the spreadsheet may be what fails."""
    from sync.commands.health import Watch
    from tests.test_failures import _break_google, _break_local

    ctx = Context.from_settings(Settings.model_validate(
        {"notify": {"recipients": {"operator": ["telegram:-42"]}, "digest_at": None}}))
    backend.create([response_row()], ctx.settings)
    repair = _break_local(backend) if backend.name == "local" else _break_google(backend)
    telegram = FakeChannel()
    sender = Sender({"telegram": telegram}, ctx.settings.notify)
    watch = Watch(tmp_path / "state.json", 3, ctx, lambda: NOW, sender.alert_operator)

    def cycle() -> None:
        store = backend.store()
        watch.cycle(lambda: run_cycle(store, ctx, NOW, backend.writer(), sender=sender), lambda: store)

    for _ in range(5):
        with pytest.raises(SapaError):
            cycle()
    assert len(telegram.sent) == 1 and telegram.sent[0][0] == "-42"
    assert "PERINGATAN" in telegram.sent[0][1] and "gagal 3 kali" in telegram.sent[0][1]
    repair()
    cycle()
    cycle()
    assert len(telegram.sent) == 2 and "kembali normal" in telegram.sent[1][1]


def test_a_message_given_up_is_said_to_the_operator_through_the_other_channel(backend) -> None:
    ctx = Context.from_settings(Settings.model_validate({"notify": {
        "recipients": {"admin": [ADMIN], "subkoor": [ADMIN], "operator": [SUBKOOR]}, "digest_at": None, **EMAIL,
        "max_attempts": 2}}))
    darurat(backend, ctx)
    telegram, email = FakeChannel(down=True), FakeChannel()
    sender = Sender({"telegram": telegram, "email": email}, ctx.settings.notify)
    for minutes in (0, 5):
        run_cycle(backend.store(), ctx, NOW + timedelta(minutes=minutes), backend.writer(), sender=sender)
    assert outbox(backend, ctx)[0][N.STATUS] == "gagal"
    assert len(email.sent) == 1 and "tidak dapat dikirim" in email.sent[0][1]
    figures = status(backend.store().read(tabs_read(ctx)), ctx, ctx.local_time(NOW))
    assert figures["notifications"]["given_up"] == 1
    assert any("gagal dikirim" in m for m in figures["messages"])


def test_over_a_local_bot_api_and_smtp_server_a_darurat_response_reaches_each_recipient_once(backend) -> None:
    """The real channels (Telegram's Bot API over HTTP, e-mail over SMTP) against local servers."""
    from sync.notify.channels import channels_from
    from tests.notify_servers import TOKEN, bot_api, smtp_server

    with bot_api() as api, smtp_server() as box:
        ctx = Context.from_settings(Settings.model_validate({"notify": {
            "recipients": {"admin": [ADMIN], "subkoor": [SUBKOOR, "telegram:-1002"]}, "digest_at": None,
            "telegram": {"api_url": api.url},
            "email": {"host": "127.0.0.1", "port": box.port, "security": "none", "sender": "sapa@dinas.example"}}}))
        darurat(backend, ctx)
        sender = Sender(channels_from(ctx.settings, {"SAPA_TELEGRAM_TOKEN": TOKEN}), ctx.settings.notify)
        run_cycle(backend.store(), ctx, NOW, backend.writer(), sender=sender)
        run_cycle(backend.store(), ctx, NOW + timedelta(minutes=1), backend.writer(), sender=sender)

    assert sorted(str(m["chat_id"]) for m in api.sent()) == ["-1001", "-1002"]
    assert [to for _, to, _ in box.received] == [["subkoor@dinas.example"]]
    texts = [str(m["text"]) for m in api.sent()] + [m.get_content() for _, _, m in box.received]
    assert all("DARURAT" in t and "SAPA-2026-0001" in t for t in texts)
    assert not any(v in t for t in texts for v in (VICTIM, REPORTER, PHONE, "7777", ADDRESS))


def test_quiet_hours_hold_all_but_darurat(backend) -> None:
    ctx = Context.from_settings(Settings.model_validate({"notify": {
        "recipients": {"admin": [ADMIN], "subkoor": ["telegram:-1002"]}, "digest_at": None,
        "quiet_hours": {"start": "21:00", "end": "06:00"}}}))
    backend.create([response_row(in_danger="Ya", story="Korban dipukul."),
                    response_row(in_danger="Tidak", story="Korban dihina.", victim_age="30")], ctx.settings)
    telegram = FakeChannel()
    sender = Sender({"telegram": telegram}, ctx.settings.notify)
    night = datetime(2026, 11, 28, 15, 0, tzinfo=NOW.tzinfo)  # 22:00 WIB
    run_cycle(backend.store(), ctx, night, backend.writer(), sender=sender)
    assert telegram.sent and all("DARURAT" in text for _, text in telegram.sent), "only the DARURAT one at night"
    at_night = len(telegram.sent)
    assert WAITING in [r[N.STATUS] for r in outbox(backend, ctx)]

    run_cycle(backend.store(), ctx, night + timedelta(hours=9), backend.writer(), sender=sender)  # 07:00 WIB
    assert len(telegram.sent) > at_night and all(r[N.STATUS] == SENT for r in outbox(backend, ctx))
