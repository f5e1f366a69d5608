"""Google's OAuth 2.0 token endpoint (https://oauth2.googleapis.com/token), for user logins.

A refresh token is exchanged for an access token, as google-auth does every hour. A refresh
token the double was told is revoked — by the user, by a password change, or by the 7-day
limit of an app whose consent screen is left in "Testing" — is refused as Google refuses it:
HTTP 400 with `{"error": "invalid_grant", "error_description": "Token has been expired or revoked."}`
(RFC 6749 section 5.2), which google-auth raises as `RefreshError`.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from .base import Double
from .wire import Request, Response, ok

HOST = "oauth2.googleapis.com"
SCOPES = "https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/drive.file"


def token(double: Double, req: Request) -> Response:
    form = {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8")).items()}
    if form.get("grant_type") != "refresh_token":
        return _error("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
    if not form.get("client_id") or not form.get("client_secret"):
        return Response(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
    refresh = form.get("refresh_token", "")
    if not refresh or refresh in double.revoked_refresh_tokens:
        return _error("invalid_grant", "Token has been expired or revoked.")
    double.refreshes += 1
    return ok({"access_token": "ya29.double-" + double.new_id(32), "expires_in": 3599, "scope": SCOPES,
               "token_type": "Bearer"})


def _error(code: str, description: str) -> Response:
    return Response(400, {"error": code, "error_description": description})
