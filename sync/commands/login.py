"""`python -m sync login`: a person logs in to Google once; `run` and `once` renew the saved login."""

from __future__ import annotations

import sys

from config.settings import Settings
from rules.errors import ConfigError
from sync.stores.google_auth import browser_login, default_token_cache, save_login


def login(settings: Settings, *, open_browser: bool = True, port: int = 8765) -> str:
    """Log in through the browser (here, or on the operator's computer over SSH); what to print."""
    google = settings.google
    if google.oauth_client is None:
        raise ConfigError("login is for a user login: set google.oauth_client to the OAuth client file of type "
                          "\"Desktop app\". A service account (google.credentials) needs no login.")
    if not google.oauth_client.is_file():
        raise ConfigError(f"OAuth client file not found: {google.oauth_client} (google.oauth_client).")
    token = google.token_cache or default_token_cache()
    if not open_browser:
        print(f"On a server: from your own computer first run  ssh -L {port}:localhost:{port} "
              "<user>@<this server>  and keep it open; then open the address below in your computer's browser.",
              file=sys.stderr)
    creds = browser_login(google.oauth_client, open_browser=open_browser, port=port, wait_seconds=600)
    save_login(creds, token)
    return (f"logged in; the login is saved in {token}. Keep that file private: it opens the office's "
            "spreadsheet. `run` and `once` renew it by themselves and never open a browser.")
