"""Credentials: a service account key or an OAuth user; narrow scopes; no secret in messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from config.settings import Settings
from rules.errors import ConfigError
from sync.stores.google_auth import SCOPES, clients, load_credentials


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    path = tmp_path / "sapa-worker.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "sapa-test", "private_key_id": "abc123",
        "private_key": pem, "client_email": "sapa-worker@sapa-test.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token",
    }))
    return path


def settings_with(**google: object) -> Settings:
    return Settings.model_validate({"google": google})


def test_service_account_key_with_the_two_narrow_scopes(key_file: Path) -> None:
    creds, email = load_credentials(settings_with(credentials=str(key_file)))
    assert email == "sapa-worker@sapa-test.iam.gserviceaccount.com"
    assert tuple(creds.scopes) == SCOPES == (
        "https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file")


def test_the_key_can_come_from_the_environment(key_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    assert load_credentials(Settings())[1] == "sapa-worker@sapa-test.iam.gserviceaccount.com"


def test_no_credentials_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(ConfigError, match=r"google\.credentials"):
        load_credentials(Settings())


@pytest.mark.parametrize("content", ['{"type": "service_account", "private_key": "-----BEGIN SECRET-----xyz"}',
                                     "5", "null", '["SECRET"]'])
def test_a_broken_key_file_is_reported_without_its_content(tmp_path: Path, content: str) -> None:
    path = tmp_path / "key.json"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_credentials(settings_with(credentials=str(path)))
    assert "not a service account key" in str(caught.value) and "SECRET" not in str(caught.value)


def test_a_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_credentials(settings_with(credentials=str(tmp_path / "none.json")))


def test_a_cached_user_token_is_used_without_a_browser(tmp_path: Path) -> None:
    token = tmp_path / "token.json"
    token.write_text(json.dumps({"token": "t", "refresh_token": "r", "client_id": "c", "client_secret": "s",
                                 "token_uri": "https://oauth2.googleapis.com/token", "scopes": list(SCOPES),
                                 "expiry": "2999-01-01T00:00:00Z"}))
    creds, email = load_credentials(settings_with(oauth_client=str(tmp_path / "client.json"), token_cache=str(token)))
    assert email is None and creds.valid


@pytest.mark.parametrize("content", ['{"web": {"client_secret": "RAHASIA-klien"}}', "RAHASIA-klien {", "5", "null",
                                     '{"installed": 5}'])
def test_a_broken_oauth_client_file_is_reported_without_its_content(tmp_path: Path, content: str) -> None:
    client = tmp_path / "client.json"
    client.write_text(content)
    with pytest.raises(ConfigError, match="not an OAuth client file") as raised:
        load_credentials(settings_with(oauth_client=str(client), token_cache=str(tmp_path / "token.json")))
    assert "RAHASIA" not in str(raised.value)


def test_clients_are_built_offline_with_a_timeout(key_file: Path) -> None:
    sheets, drive, docs, email = clients(settings_with(credentials=str(key_file), spreadsheet_id="abc",
                                                       timeout_seconds=30))
    assert sheets.http_client.timeout == 30
    assert email and hasattr(drive, "files") and hasattr(docs, "documents")
