"""Google credentials and API clients, with the narrowest scopes the worker needs.

`spreadsheets` reads and writes the office's spreadsheet; `drive.file` lets the
worker see only the files it created (the letter templates `init` uploads and the
letters it drafts) — never the rest of anyone's Drive. Credentials and tokens are
never logged or put in an error message.

A user login (OAuth) is made once, by a person, with `sapa-sync login` (or `init`): the
commands that run unattended (`run`, `once`, `status`, `doctor`) never open a browser or wait
for one. They renew the saved login as google-auth does; when Google refuses the renewal
(`invalid_grant`: revoked, or the 7-day limit of a consent screen left in "Testing") they
stop with `LoginRefused`, which says how to fix it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import gspread
import httplib2
from google.auth import transport
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build

from config.settings import Settings
from rules.errors import ConfigError, InputError, TransientError
from sync.stores.refusals import LoginRefused

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.file",
)


LOGIN_PORT = 8765  # `sapa-sync login` listens here for Google's answer (forward it over SSH on a server)


def login_refused(err: RefreshError, token: Path | None = None) -> LoginRefused:
    """What to tell the operator when Google refuses to renew a login; never the token or key itself."""
    reason = _reason(err)
    if token is None:  # a service account, or a refusal in the middle of a cycle
        return LoginRefused(
            f"Google refused the worker's credentials ({reason}). A service account: its key was deleted or "
            "disabled; create a new key and point google.credentials at it. A user login: it expired or was "
            "revoked; run `sapa-sync login` again, and if this recurs every 7 days, publish the OAuth consent "
            "screen ('In production') or use a service account."
        )
    return LoginRefused(
        f"Google refused to renew the saved login in {token} ({reason}): it expired or was revoked. If your "
        "Google Cloud project's OAuth consent screen is in 'Testing', Google ends every login after 7 days: "
        "publish the app ('In production'), or use a service account (recommended on a server). Then log in "
        "again with `sapa-sync login`."
    )


def _reason(err: RefreshError) -> str:
    """Google's error code alone (`invalid_grant`), never the rest of its answer."""
    text = str(err.args[0]) if err.args else ""
    code = text.split(":", 1)[0].strip()
    return code if code.replace("_", "").isalnum() and len(code) <= 40 else "refused"


def default_token_cache() -> Path:
    base = os.environ.get("APPDATA") if os.name == "nt" else os.environ.get("XDG_CONFIG_HOME")
    return Path(base or Path.home() / ".config") / "sapa-sync" / "token.json"


BrowserLogin = Callable[[Path, Any], Any]  # (OAuth client file, its flow) -> credentials


def load_credentials(settings: Settings, *, login: bool = False, request: transport.Request | None = None,
                     environ: Mapping[str, str] | None = None,
                     browser: BrowserLogin | None = None) -> tuple[Any, str | None]:
    """(credentials, service account e-mail or None for a user login).

    `login`: a person is at the keyboard, and a user login may open a browser (`login`, `init`).
    `request` carries the renewal of a saved login (google-auth's own by default); `environ` is the
    environment the key's variable is read from (the process's by default); `browser` makes the
    browser login (`browser_login` by default)."""
    google = settings.google
    env_key = (os.environ if environ is None else environ).get(google.credentials_env)
    key = google.credentials or (Path(env_key) if env_key else None)
    if key is not None:
        return _service_account(key, google.credentials_env), _email(key)
    if google.oauth_client is not None:
        token = google.token_cache or default_token_cache()
        return _user(google.oauth_client, token, login=login, request=request or Request(),
                     browser=browser or _browser_login), None
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


def _user(client_secret: Path, token: Path, *, login: bool, request: transport.Request, browser: BrowserLogin) -> Any:
    """An OAuth user: the saved login, renewed; a browser login only when a person asked for one."""
    creds = _saved(token)
    if creds is not None and not creds.valid and creds.refresh_token:
        try:
            creds.refresh(request)
        except RefreshError as err:
            if not login:
                raise login_refused(err, token) from None
            creds = None
        except TransportError:
            raise TransientError("could not reach Google to renew the saved login (network); the next cycle "
                                 "tries again.") from None
    if creds is None or not creds.valid:
        flow = _flow(client_secret)  # a broken client file is the first thing to fix
        if not login:
            raise ConfigError(
                f"no saved Google login in {token}: log in once with `sapa-sync login` on this machine (on a "
                "server without a browser: `sapa-sync login --no-browser`, or log in on a computer with a "
                "browser and copy the token file here)."
            )
        creds = browser(client_secret, flow)
    save_login(creds, token)
    return creds


def _saved(token: Path) -> Any:
    if not token.is_file():
        return None
    try:
        return user_credentials.Credentials.from_authorized_user_file(str(token), SCOPES)  # type: ignore[no-untyped-call]
    except (ValueError, KeyError, TypeError, AttributeError, OSError):
        return None


def browser_login(client_secret: Path, *, open_browser: bool = True, port: int = 0,
                  wait_seconds: int | None = None, flow: Any = None) -> Any:
    """Google's consent page in a browser; its answer comes back to http://localhost:`port`."""
    flow = flow or _flow(client_secret)
    prompt = ("Open this address in a browser and allow access for the worker's Google account:\n{url}\n"
              f"(Google then answers to http://localhost:{port or '<port>'} on the machine the browser runs on.)")
    try:
        return flow.run_local_server(port=port, open_browser=open_browser, authorization_prompt_message=prompt,
                                     timeout_seconds=wait_seconds)
    except Exception as err:  # WSGITimeoutError, or the server's port taken
        if type(err).__name__ == "WSGITimeoutError":
            raise ConfigError(f"no answer from the browser within {wait_seconds} seconds; run the login "
                              "again.") from None
        raise


def _browser_login(client_secret: Path, flow: Any) -> Any:
    return browser_login(client_secret, flow=flow)


def _flow(client_secret: Path) -> Any:
    """The OAuth client (a "Desktop app"), read from its file; its content never in a message."""
    if not client_secret.is_file():
        raise ConfigError(f"OAuth client file not found: {client_secret} (google.oauth_client).")
    from google_auth_oauthlib.flow import InstalledAppFlow  # lazy: only `login` opens a browser flow

    try:
        return InstalledAppFlow.from_client_secrets_file(str(client_secret), SCOPES)
    except (ValueError, KeyError, TypeError, AttributeError, OSError):  # its content (a secret) stays out
        raise ConfigError(
            f"{client_secret} is not an OAuth client file (google.oauth_client). In the Google Cloud "
            "console create an OAuth client of type \"Desktop app\" and download its JSON again."
        ) from None


def save_login(creds: Any, token: Path) -> None:
    token.parent.mkdir(parents=True, exist_ok=True)
    token.write_text(creds.to_json(), encoding="utf-8")
    if os.name == "posix":
        token.chmod(0o600)  # the token is a secret: only its owner may read it


def clients(settings: Settings, *, login: bool = False, environ: Mapping[str, str] | None = None,
            browser: BrowserLogin | None = None) -> tuple[gspread.Client, Any, Any, str | None]:
    """gspread for Sheets, and Drive v3 + Docs v1 services, every request with a timeout (`login`,
    `environ`, `browser`: see `load_credentials`)."""
    if not settings.google.spreadsheet_id:
        raise InputError("google.spreadsheet_id is empty: copy the id from the spreadsheet's URL (/d/<id>/edit).")
    creds, email = load_credentials(settings, login=login, environ=environ, browser=browser)
    timeout = settings.google.timeout_seconds
    sheets = gspread.Client(auth=creds, session=AuthorizedSession(creds))  # type: ignore[no-untyped-call]
    sheets.http_client.set_timeout(timeout)

    def service(name: str, version: str) -> Any:
        http = AuthorizedHttp(creds, http=httplib2.Http(timeout=timeout))
        return build(name, version, http=http, cache_discovery=False, static_discovery=True)

    return sheets, service("drive", "v3"), service("docs", "v1"), email
