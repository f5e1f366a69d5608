"""Google credentials and API clients, with the narrowest scopes the worker needs.

`spreadsheets` reads and writes the office's spreadsheet; `drive.file` lets the
worker see only the files it created (the letter templates `init` uploads and the
letters it drafts) — never the rest of anyone's Drive. Credentials and tokens are
never logged or put in an error message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import gspread
import httplib2
from google.auth.exceptions import GoogleAuthError, RefreshError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build

from config.settings import Settings
from rules.errors import ConfigError, InputError

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.file",
)


def default_token_cache() -> Path:
    base = os.environ.get("APPDATA") if os.name == "nt" else os.environ.get("XDG_CONFIG_HOME")
    return Path(base or Path.home() / ".config") / "sapa-sync" / "token.json"


def load_credentials(settings: Settings) -> tuple[Any, str | None]:
    """(credentials, service account e-mail or None for a user login)."""
    google = settings.google
    env_key = os.environ.get(google.credentials_env)
    key = google.credentials or (Path(env_key) if env_key else None)
    if key is not None:
        return _service_account(key, google.credentials_env), _email(key)
    if google.oauth_client is not None:
        return _user(google.oauth_client, google.token_cache or default_token_cache()), None
    raise ConfigError(
        "no Google credentials: set google.credentials to a service account key file (.json), or the "
        f"environment variable {google.credentials_env}, or google.oauth_client to log in as a user. "
        "See the README, 'Menghubungkan spreadsheet Google / Connecting the Google spreadsheet'."
    )


def _service_account(key: Path, env: str) -> Any:
    if not key.is_file():
        raise ConfigError(f"service account key file not found: {key} (google.credentials or ${env}).")
    try:
        return service_account.Credentials.from_service_account_file(str(key), scopes=SCOPES)  # type: ignore[no-untyped-call]
    except (ValueError, KeyError, TypeError, AttributeError, OSError):  # also JSON of the wrong shape
        raise ConfigError(
            f"{key} is not a service account key (a JSON file with \"type\": \"service_account\"). "
            "Create a key for the service account in the Google Cloud console and download it again."
        ) from None


def _email(key: Path) -> str | None:
    try:
        return str(json.loads(key.read_text(encoding="utf-8")).get("client_email") or "") or None
    except (OSError, ValueError):
        return None


def _user(client_secret: Path, token: Path) -> Any:
    """An OAuth user: the cached token, refreshed, or a browser login the first time."""
    creds = None
    if token.is_file():
        try:
            creds = user_credentials.Credentials.from_authorized_user_file(str(token), SCOPES)  # type: ignore[no-untyped-call]
        except (ValueError, KeyError, TypeError, AttributeError, OSError):
            creds = None
    if creds is not None and not creds.valid and creds.refresh_token:
        try:
            creds.refresh(Request())
        except (RefreshError, GoogleAuthError):
            creds = None
    if creds is None or not creds.valid:
        if not client_secret.is_file():
            raise ConfigError(f"OAuth client file not found: {client_secret} (google.oauth_client).")
        from google_auth_oauthlib.flow import InstalledAppFlow

        try:
            flow = InstalledAppFlow.from_client_secrets_file(str(client_secret), SCOPES)
        except (ValueError, KeyError, TypeError, AttributeError, OSError):  # its content (a secret) stays out
            raise ConfigError(
                f"{client_secret} is not an OAuth client file (google.oauth_client). In the Google Cloud "
                "console create an OAuth client of type \"Desktop app\" and download its JSON again."
            ) from None
        creds = flow.run_local_server(port=0, open_browser=True)
    token.parent.mkdir(parents=True, exist_ok=True)
    token.write_text(creds.to_json(), encoding="utf-8")
    if os.name == "posix":
        token.chmod(0o600)  # the token is a secret: only its owner may read it
    return creds


def clients(settings: Settings) -> tuple[gspread.Client, Any, Any, str | None]:
    """gspread for Sheets, and Drive v3 + Docs v1 services, every request with a timeout."""
    if not settings.google.spreadsheet_id:
        raise InputError("google.spreadsheet_id is empty: copy the id from the spreadsheet's URL (/d/<id>/edit).")
    creds, email = load_credentials(settings)
    timeout = settings.google.timeout_seconds
    sheets = gspread.Client(auth=creds, session=AuthorizedSession(creds))  # type: ignore[no-untyped-call]
    sheets.http_client.set_timeout(timeout)

    def service(name: str, version: str) -> Any:
        http = AuthorizedHttp(creds, http=httplib2.Http(timeout=timeout))
        return build(name, version, http=http, cache_discovery=False, static_discovery=True)

    return sheets, service("drive", "v3"), service("docs", "v1"), email
