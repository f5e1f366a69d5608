"""Notification channels over the real protocols: a local Telegram-compatible Bot API and an aiosmtpd
server; the `notify:` configuration; `doctor --notify-test`; the worker's ping URL."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from config.settings import Settings
from sync.commands.cli import main
from sync.commands.doctor_notify import TEST_SUBJECT, TEST_TEXT
from sync.notify.channels import Delivery, EmailChannel, TelegramChannel, Unusable, channels_from, split_recipient
from tests.notify_servers import (
    CHAT_NOT_FOUND,
    SERVER_ERROR,
    TOKEN,
    UNAUTHORIZED,
    bot_api,
    free_port,
    smtp_server,
    too_many,
)

TEXT = "DARURAT ✓ Kasus SAPA-2026-0001 menunggu Sub Koordinator — tenggat 14.30 WIB. \nBuka tab ‘Sub Koordinator’."


def settings(**notify: Any) -> Settings:
    return Settings.model_validate({"notify": notify})


# --- configuration ------------------------------------------------------------------------------


def test_recipients_are_split_and_checked() -> None:
    assert split_recipient("telegram:-1001234567") == ("telegram", "-1001234567")
    assert split_recipient(" Email: kabid@dinsos.go.id ") == ("email", "kabid@dinsos.go.id")
    assert split_recipient("telegram:@kanal_sapa") == ("telegram", "@kanal_sapa")
    for wrong, fix in (("whatsapp:0812", "telegram:-1001234567"), ("-1001234567", "<channel>:<address>"),
                       ("telegram:grup kantor", "chat id is a number"), ("email:kabid", "e-mail address")):
        with pytest.raises(ValueError, match=fix):
            split_recipient(wrong)


def test_the_notify_section_validates_roles_recipients_and_times() -> None:
    loaded = Settings.model_validate(yaml.safe_load(
        "notify:\n"
        "  recipients: {admin: 'telegram:-100123', operator: [email:op@x.id, email:op@x.id], kabid: }\n"
        "  email: {host: smtp.x.id, user: op@x.id}\n"
        "  quiet_hours: {start: 21:00, end: '06:00'}\n"  # unquoted, YAML reads 21:00 as 1260
        "  digest_at: '7:45'\n"
    )).notify
    assert loaded.recipients_of("admin") == ("telegram:-100123",)
    assert loaded.recipients_of("operator") == ("email:op@x.id",) and loaded.recipients_of("kabid") == ()
    assert loaded.enabled and loaded.kinds == {"telegram", "email"}
    assert loaded.quiet_hours is not None and str(loaded.quiet_hours.start) == "21:00:00"
    assert str(loaded.digest_at) == "07:45:00"
    assert not Settings().notify.enabled  # the shipped configuration notifies nobody
    assert Settings().model_dump(mode="json")["notify"]["digest_at"] == "07:30"
    for bad, said in (({"recipients": {"kabag": ["telegram:1"]}}, "unknown roles \\['kabag'\\].*operator"),
                      ({"recipients": {"admin": ["sms:0812"]}}, "telegram:-1001234567"),
                      ({"recipients": {"admin": ["email:a@b.id"]}}, "notify.email.host"),
                      ({"quiet_hours": {"start": "25:00", "end": "06:00"}}, "HH:MM"),
                      ({"digest_at": "setengah delapan"}, "HH:MM"),
                      ({"telegram": {"token": TOKEN}}, "Extra inputs")):
        with pytest.raises(ValidationError, match=said):
            settings(**bad)
    with pytest.raises(ValidationError, match=r"hc-ping\.com"):
        Settings.model_validate({"worker": {"ping_url": "hc-ping.com/abc"}})


# --- Telegram -----------------------------------------------------------------------------------


def test_telegram_sends_the_text_intact_to_the_chat() -> None:
    with bot_api() as api:
        delivery = TelegramChannel(api.url, TOKEN).send("-1001234567", TEXT, "ignored")
    assert delivery == Delivery(ok=True)
    [request] = api.requests
    assert request.method == "POST" and request.path == f"/bot{TOKEN}/sendMessage"
    assert request.body == {"chat_id": -1001234567, "text": TEXT, "disable_web_page_preview": True}


@pytest.mark.parametrize(("answer", "permanent", "retry_after", "said"), [
    (too_many(17), False, 17.0, "retry after 17 s"),
    (CHAT_NOT_FOUND, True, None, "chat -100999 not found"),
    (UNAUTHORIZED, True, None, "refused the bot token"),
    ((403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was kicked from the group chat"}),
     True, None, "add the bot to the group again"),
    ((400, {"ok": False, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": -1009876}}), True, None, "telegram:-1009876"),
    (SERVER_ERROR, False, None, "HTTP 500"),
    ((502, {}), False, None, "HTTP 502"),
])
def test_telegram_refusals_say_whether_to_try_again(answer: tuple[int, dict[str, Any]], permanent: bool,
                                                    retry_after: float | None, said: str) -> None:
    with bot_api() as api:
        api.answers.append(answer)
        delivery = TelegramChannel(api.url, TOKEN).send("-100999", TEXT, "")
    assert not delivery.ok and delivery.permanent is permanent and delivery.retry_after == retry_after
    assert delivery.error is not None and said in delivery.error
    assert TOKEN not in delivery.error and TEXT not in delivery.error


def test_telegram_unreachable_is_a_failure_to_retry_without_the_token() -> None:
    channel = TelegramChannel(f"http://127.0.0.1:{free_port()}", TOKEN)  # nobody listens there
    delivery = channel.send("-100123", TEXT, "")
    assert not delivery.ok and not delivery.permanent
    assert delivery.error is not None and "cannot reach Telegram" in delivery.error
    assert TOKEN not in delivery.error and TOKEN.split(":")[1] not in repr(channel)


def test_telegram_errors_quoting_the_url_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    class Leaky:  # what requests' exceptions say: the whole URL, the token in it
        def post(self, url: str, **kwargs: object) -> object:
            raise ValueError(f"Invalid URL {url!r}")

    delivery = TelegramChannel("http://127.0.0.1:1", TOKEN, session=Leaky()).send(  # type: ignore[arg-type]
        "-100123", TEXT, "")
    assert not delivery.ok and delivery.error is not None and TOKEN not in delivery.error


# --- e-mail -------------------------------------------------------------------------------------


def email_settings(port: int, **more: Any) -> Settings:
    return settings(recipients={"kabid": ["email:kabid@dinsos.go.id"]},
                    email={"host": "127.0.0.1", "port": port, "security": "none", "sender": "sapa@dinsos.go.id",
                           **more})


def test_email_arrives_intact_in_utf8() -> None:
    with smtp_server() as box:
        channel = EmailChannel(email_settings(box.port).notify.email, None)
        assert channel.send("kabid@dinsos.go.id", TEXT, "SAPA: kasus DARURAT ✓") == Delivery(ok=True)
    [(sender, to, message)] = box.received
    assert sender == "sapa@dinsos.go.id" and to == ["kabid@dinsos.go.id"]
    assert message["Subject"] == "SAPA: kasus DARURAT ✓"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == TEXT  # SMTP lines end in CRLF


def test_email_logs_in_with_the_password_from_the_environment() -> None:
    with smtp_server(password="app-pass-1234") as box:
        configured = email_settings(box.port, user="sapa@dinsos.go.id")
        channel = channels_from(configured, {"SAPA_SMTP_PASSWORD": "app-pass-1234"})["email"]
        assert channel.send("kabid@dinsos.go.id", TEXT, "Tes") == Delivery(ok=True)
        refused = channels_from(configured, {"SAPA_SMTP_PASSWORD": "wrong-pass-99"})["email"].send(
            "kabid@dinsos.go.id", TEXT, "Tes")
    assert box.logins == ["sapa@dinsos.go.id"] and len(box.received) == 1
    assert not refused.ok and refused.permanent and refused.error is not None
    assert "refused the login (535)" in refused.error and "wrong-pass-99" not in refused.error


@pytest.mark.parametrize(("security", "said", "permanent"), [
    ("starttls", "offers no STARTTLS", True),  # the test server offers none
    ("ssl", "TLS with", True),  # a plain server where TLS was expected
])
def test_email_security_that_the_server_does_not_speak_is_a_setting_to_fix(security: str, said: str,
                                                                         permanent: bool) -> None:
    with smtp_server() as box:
        channel = EmailChannel(email_settings(box.port, security=security).notify.email, None, timeout=3)
        delivery = channel.send("kabid@dinsos.go.id", TEXT, "Tes")
    assert not delivery.ok and delivery.permanent is permanent
    assert delivery.error is not None and said in delivery.error and not box.received


def test_email_unreachable_is_a_failure_to_retry() -> None:
    delivery = EmailChannel(email_settings(free_port()).notify.email, None).send("kabid@dinsos.go.id", TEXT, "Tes")
    assert not delivery.ok and not delivery.permanent
    assert delivery.error is not None and "cannot reach the SMTP server" in delivery.error


# --- which channels ------------------------------------------------------------------------------


def test_channels_are_those_configured_and_a_missing_secret_says_which_variable() -> None:
    both = settings(recipients={"admin": ["telegram:-100123"], "kabid": ["email:kabid@dinsos.go.id"]},
                    email={"host": "smtp.gmail.com", "user": "sapa@gmail.com"})
    assert channels_from(Settings(), {}) == {}
    found = channels_from(both, {"SAPA_TELEGRAM_TOKEN": TOKEN, "SAPA_SMTP_PASSWORD": "x"})
    assert isinstance(found["telegram"], TelegramChannel) and isinstance(found["email"], EmailChannel)
    missing = channels_from(both, {})
    assert isinstance(missing["telegram"], Unusable) and isinstance(missing["email"], Unusable)
    told = missing["telegram"].send("-100123", TEXT, "")
    assert not told.ok and told.permanent and "SAPA_TELEGRAM_TOKEN" in (told.error or "")
    assert "SAPA_SMTP_PASSWORD" in (missing["email"].send("a@b.id", TEXT, "").error or "")
    assert TOKEN not in repr(found) and dataclasses.is_dataclass(told)


def test_no_exception_escapes_a_channel() -> None:
    class Broken:
        def post(self, url: str, **kwargs: object) -> object:
            raise RuntimeError("boom")

    assert not TelegramChannel("http://x", TOKEN, session=Broken()).send("1", TEXT, "").ok  # type: ignore[arg-type]
    odd = EmailChannel(email_settings(1).notify.email, None)
    assert not odd.send("not an address\r\nBcc: x@y.id", TEXT, "Tes").ok  # a header injection is refused, not raised


# --- doctor --notify-test -----------------------------------------------------------------------


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    from sync.commands import demo

    book = tmp_path / "sapa.xlsx"
    demo.write_responses(book, demo.sample_rows(3), Settings())
    return book


def test_notify_test_sends_to_each_recipient_once_and_says_what_came_back(
        tmp_path: Path, workbook: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SAPA_TELEGRAM_TOKEN", TOKEN)
    with bot_api() as api, smtp_server() as box:
        api.answers += [(200, {"ok": True, "result": {}}), CHAT_NOT_FOUND]
        config = write_config(tmp_path / "sapa.yaml", (
            "notify:\n"
            "  recipients:\n"
            "    admin: ['telegram:-1001']\n"
            "    subkoor: ['telegram:-1001', 'telegram:-1002']\n"
            "    kabid: ['email:kabid@dinsos.go.id']\n"
            f"  telegram: {{api_url: '{api.url}'}}\n"
            f"  email: {{host: 127.0.0.1, port: {box.port}, security: none, sender: sapa@dinsos.go.id}}\n"))
        code = main(["--config", str(config), "--workbook", str(workbook), "doctor", "--notify-test"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "[OK] telegram:-1001 (admin, subkoor): terkirim / sent" in out
    assert "[GAGAL / FAILED] telegram:-1002 (subkoor): Telegram: chat -1002 not found" in out
    assert "[OK] email:kabid@dinsos.go.id (kabid)" in out and "2 terkirim / sent, 1 gagal / failed" in out
    assert [m["chat_id"] for m in api.sent()] == [-1001, -1002]
    assert {m["text"] for m in api.sent()} == {TEST_TEXT}
    [(_, _, mail)] = box.received
    assert mail.get_content().strip() == TEST_TEXT and mail["Subject"] == TEST_SUBJECT
    assert TOKEN not in out


def test_notify_test_all_sent_is_exit_0(tmp_path: Path, workbook: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SAPA_TELEGRAM_TOKEN", TOKEN)
    with bot_api() as api:
        config = write_config(tmp_path / "sapa.yaml", "notify:\n  recipients: {operator: 'telegram:-1001'}\n"
                                                      f"  telegram: {{api_url: '{api.url}'}}\n")
        assert main(["--config", str(config), "--workbook", str(workbook), "doctor", "--notify-test"]) == 0
    assert "[OK] notify" in capsys.readouterr().out and len(api.sent()) == 1


def test_notify_test_without_recipients_says_how_to_configure_them(
        workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--workbook", str(workbook), "doctor", "--notify-test"]) == 2
    out = capsys.readouterr().out
    assert "no recipients: " in out and "notify.recipients" in out and "README, 'Notifikasi'" in out


def test_doctor_says_which_variable_a_missing_token_needs_on_the_google_backend_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SAPA_TELEGRAM_TOKEN", raising=False)
    config = write_config(tmp_path / "sapa.yaml", "store: {backend: google}\n"
                                                  "notify: {recipients: {admin: 'telegram:-1001'}}\n")
    assert main(["--config", str(config), "doctor", "--notify-test"]) == 2  # and spreadsheet_id is empty
    out = capsys.readouterr().out
    assert "[GALAT / ERROR] notify" in out and "SAPA_TELEGRAM_TOKEN" in out
    assert "[GAGAL / FAILED] telegram:-1001 (admin): the bot token is not set" in out


# --- worker.ping_url ----------------------------------------------------------------------------


def test_once_pings_after_a_cycle_that_succeeds_and_pings_fail_after_one_that_fails(
        tmp_path: Path, workbook: Path) -> None:
    with bot_api() as monitor:
        config = write_config(tmp_path / "sapa.yaml", f"worker: {{ping_url: '{monitor.url}/ping/abc-123'}}\n")
        lock = tmp_path / ".~lock.sapa.xlsx#"  # LibreOffice has the workbook open: the cycle fails
        lock.write_text("x")
        assert main(["--config", str(config), "--workbook", str(workbook), "once"]) == 1
        assert [(r.method, r.path) for r in monitor.requests] == [("GET", "/ping/abc-123/fail")]
        lock.unlink()
        assert main(["--config", str(config), "--workbook", str(workbook), "once"]) == 0
        assert [(r.method, r.path) for r in monitor.requests][1:] == [("GET", "/ping/abc-123")]


def test_a_ping_that_fails_is_a_warning_and_never_fails_the_cycle(
        tmp_path: Path, workbook: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = write_config(tmp_path / "sapa.yaml",
                          f"worker: {{ping_url: 'http://127.0.0.1:{free_port()}/ping/secret-uuid'}}\n")
    with caplog.at_level(logging.WARNING):
        assert main(["--config", str(config), "--workbook", str(workbook), "once"]) == 0
    warned = [r.getMessage() for r in caplog.records if "ping_url" in r.getMessage()]
    assert warned and "cannot ping worker.ping_url at 127.0.0.1" in warned[0]
    assert "secret-uuid" not in caplog.text


def test_the_fail_ping_goes_before_a_query_string() -> None:
    from sync.notify.ping import fail_url

    assert fail_url("https://hc-ping.com/abc/") == "https://hc-ping.com/abc/fail"
    assert fail_url("https://hc.kantor.go.id/ping/abc?rid=1") == "https://hc.kantor.go.id/ping/abc/fail?rid=1"


def test_a_run_cycle_is_pinged_the_same_way() -> None:
    from sync.notify.ping import pinged

    def failing() -> None:
        raise RuntimeError("the cycle failed")

    with bot_api() as monitor:
        assert pinged(lambda: 7, f"{monitor.url}/p")() == 7
        with pytest.raises(RuntimeError):
            pinged(failing, f"{monitor.url}/p")()
    assert [r.path for r in monitor.requests] == ["/p", "/p/fail"]
    assert pinged(failing, None) is failing  # no ping_url: the cycle as it was
