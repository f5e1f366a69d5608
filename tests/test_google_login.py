"""A user login on a server: never a browser from an unattended command, a refused renewal said plainly.

The renewal goes to the double's OAuth token endpoint (googledouble/oauth.py) through google-auth's
own code, as it goes to https://oauth2.googleapis.com/token for real.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import gspread
import pytest
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2.credentials import Credentials

from config.settings import Settings
from googledouble import GoogleDouble
from rules.errors import ConfigError, TransientError
from sync.commands import cli, loop
from sync.commands.demo import sample_rows
from sync.commands.selftest.office import GoogleBackend
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.stores.google_auth import SCOPES, load_credentials
from sync.stores.google_retry import RetryPolicy
from sync.stores.google_store import GoogleStore
from sync.stores.refusals import LoginRefused
from tests.conftest import NOW

TOKEN_URI = "https://oauth2.googleapis.com/token"


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A browser login, if anything starts one, fails the test instead of waiting (google_auth_oauthlib's)."""
    opened: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        opened.append("browser")
        raise AssertionError("an unattended command started a browser login")

    monkeypatch.setattr("google_auth_oauthlib.flow.InstalledAppFlow.run_local_server", refuse)
    yield opened


def saved_login(path: Path, refresh_token: str, *, expired: bool) -> Path:
    path.write_text(json.dumps({
        "token": "ya29.old", "refresh_token": refresh_token, "client_id": "1-sapa.apps.googleusercontent.com",
        "client_secret": "GOCSPX-rahasia", "token_uri": TOKEN_URI, "scopes": list(SCOPES),
        "expiry": "2000-01-01T00:00:00Z" if expired else "2999-01-01T00:00:00Z"}))
    return path


def user_settings(tmp_path: Path, token: Path) -> Settings:
    client = tmp_path / "client.json"
    client.write_text(json.dumps({"installed": {"client_id": "1-sapa.apps.googleusercontent.com",
                                                "client_secret": "GOCSPX-rahasia", "token_uri": TOKEN_URI,
                                                "auth_uri": "https://accounts.google.com/o/oauth2/auth"}}))
    return Settings.model_validate({"google": {"oauth_client": str(client), "token_cache": str(token)}})


def over(double: GoogleDouble) -> Request:
    return Request(session=double.requests_session())


def test_an_expired_access_token_is_renewed_without_a_browser(tmp_path: Path, no_browser: list[str]) -> None:
    double = GoogleDouble()
    token = saved_login(tmp_path / "token.json", "1//refresh-ok", expired=True)
    creds, email = load_credentials(user_settings(tmp_path, token), request=over(double))
    assert creds.valid and email is None and double.refreshes == 1 and not no_browser
    assert json.loads(token.read_text())["token"].startswith("ya29.double-")  # the renewed login is saved


def test_a_revoked_login_stops_with_what_to_do_and_no_browser(tmp_path: Path, no_browser: list[str]) -> None:
    double = GoogleDouble()
    double.revoked_refresh_tokens.add("1//revoked")
    token = saved_login(tmp_path / "token.json", "1//revoked", expired=True)
    with pytest.raises(LoginRefused) as refused:
        load_credentials(user_settings(tmp_path, token), request=over(double))
    message = str(refused.value)
    assert "invalid_grant" in message and "7 days" in message and "sapa-sync login" in message
    assert "In production" in message and "service account" in message
    assert "1//revoked" not in message and "GOCSPX" not in message and not no_browser
    assert refused.value.exit_code == 2


def test_no_saved_login_says_how_to_log_in_on_a_server(tmp_path: Path, no_browser: list[str]) -> None:
    settings = user_settings(tmp_path, tmp_path / "none" / "token.json")
    with pytest.raises(ConfigError, match="sapa-sync login --no-browser") as missing:
        load_credentials(settings)
    assert not isinstance(missing.value, LoginRefused) and not no_browser


def test_google_out_of_reach_during_the_renewal_is_transient(tmp_path: Path, no_browser: list[str]) -> None:
    double = GoogleDouble()
    double.timeout_next("oauth2.token")
    token = saved_login(tmp_path / "token.json", "1//refresh-ok", expired=True)
    with pytest.raises(TransientError, match="next cycle"):
        load_credentials(user_settings(tmp_path, token), request=over(double))
    assert token.read_text().count("ya29.old") == 1 and not no_browser  # the saved login is kept


def test_the_unattended_commands_never_start_a_browser(tmp_path: Path, no_browser: list[str]) -> None:
    settings = user_settings(tmp_path, tmp_path / "token.json")
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps({"store": {"backend": "google"}, "google": {
        "spreadsheet_id": "1Sapa", "oauth_client": str(settings.google.oauth_client),
        "token_cache": str(tmp_path / "token.json")}}))
    for command in ("once", "status"):
        assert cli.main(["--config", str(config), command]) == 2
    assert not no_browser


def test_a_login_revoked_during_a_cycle_stops_the_worker_with_the_reason(tmp_path: Path) -> None:
    backend = GoogleBackend(tmp_path)
    backend.create(sample_rows(3), Settings())
    double = backend.double
    double.revoked_refresh_tokens.add("1//revoked-today")
    creds = Credentials(token="ya29.old", refresh_token="1//revoked-today", token_uri=TOKEN_URI,  # type: ignore[no-untyped-call]
                        client_id="1-sapa", client_secret="GOCSPX-rahasia", expiry=datetime(2000, 1, 1))
    session = double.requests_session(AuthorizedSession(creds, auth_request=over(double)))  # type: ignore[no-untyped-call]
    store = GoogleStore(gspread.Client(auth=creds, session=session), backend.spreadsheet_id,  # type: ignore[arg-type]
                        retry=RetryPolicy(sleep=lambda _: None))
    ctx = Context.from_settings(Settings())
    with pytest.raises(LoginRefused, match="invalid_grant") as refused:
        run_cycle(store, ctx, NOW)
    assert "GOCSPX" not in str(refused.value) and "1//revoked" not in str(refused.value)

    def cycle() -> None:  # as `run` meets it: a refresh refused where no store wrapped it
        raise RefreshError("invalid_grant: Token has been expired or revoked.", {"error": "invalid_grant"})

    with pytest.raises(LoginRefused):  # `run` stops instead of failing every minute
        loop.guarded(cycle)()
