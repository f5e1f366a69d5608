"""Telegram: the Bot API's `sendMessage`, one POST per message, over `requests`.

The shapes relied on are the Bot API's documented ones ("Making requests" and `ResponseParameters`
in https://core.telegram.org/bots/api; quoted in the grammY type declarations,
https://deno.land/x/grammy_types/api.ts): a request goes to `{api_url}/bot<token>/sendMessage`
with `chat_id` (an integer id, or "@channelusername") and `text` (at most 4,096 characters); every
answer is a JSON object with a Boolean `ok`; when it is false, an integer `error_code`, a human-readable
`description` and sometimes `parameters`: `retry_after` (flood control: the seconds to wait before
the request may be repeated) or `migrate_to_chat_id` (a group that became a supergroup has a new id).

What is permanent (`Delivery.permanent`, retrying the same request cannot help): 400 (chat not found,
a supergroup's old id, a text Telegram refuses), 401 (the token is wrong or revoked), 403 (the bot was
blocked by the person or removed from the group), 404 (the token's shape or `api_url` is wrong). 429
carries `retry_after`; 5xx, a connection error and a timeout are worth trying again later.

The token is in the request's URL, and `requests` puts the URL in its exceptions' messages: no error,
log line or repr made here holds it (`scrub`), and the channel's repr shows the API's address only.
"""

from __future__ import annotations

import logging

import requests

from sync.notify.delivery import TIMEOUT, Delivery, scrub

log = logging.getLogger(__name__)


class TelegramChannel:
    """Sends to Telegram chats as the bot whose token it holds."""

    def __init__(self, api_url: str, token: str, *, session: requests.Session | None = None,
                 timeout: float = TIMEOUT) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._session = session or requests.Session()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"TelegramChannel(api_url={self.api_url!r})"

    def send(self, address: str, text: str, subject: str = "") -> Delivery:
        """Send `text` to the chat `address` (a chat id or @channelusername); `subject` is not used."""
        chat: int | str = int(address) if address.lstrip("-").isdigit() else address
        body = {"chat_id": chat, "text": text, "disable_web_page_preview": True}
        try:
            response = self._session.post(f"{self.api_url}/bot{self._token}/sendMessage", json=body,
                                          timeout=self.timeout)
        except requests.Timeout:
            return Delivery(ok=False, error=f"Telegram ({self.api_url}) did not answer within {self.timeout:g} s")
        except requests.RequestException as err:
            return Delivery(ok=False, error=self._scrub(f"cannot reach Telegram at {self.api_url} "
                                                        f"({type(err).__name__})"))
        except Exception as err:  # never raise into the sender; the type only (its message holds the URL)
            return Delivery(ok=False, error=f"unexpected {type(err).__name__} sending to Telegram")
        return self._delivery(address, response)

    def _delivery(self, address: str, response: requests.Response) -> Delivery:
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            return self._http_error(response.status_code, "")
        if answer.get("ok") is True:
            return Delivery(ok=True)
        given = answer.get("error_code")
        code = given if isinstance(given, int) else response.status_code
        description = self._scrub(str(answer.get("description") or ""))
        found = answer.get("parameters")
        parameters: dict[str, object] = found if isinstance(found, dict) else {}
        if code == 429:
            wait = parameters.get("retry_after")
            seconds = float(wait) if isinstance(wait, int | float) and not isinstance(wait, bool) else None
            asked = f": retry after {seconds:g} s" if seconds is not None else ""
            return Delivery(ok=False, error=f"Telegram: too many messages (429){asked}", retry_after=seconds)
        if parameters.get("migrate_to_chat_id") is not None:
            new = parameters["migrate_to_chat_id"]
            return Delivery(ok=False, permanent=True, error=(
                f"Telegram: the group {address} became a supergroup with the chat id {new}: write "
                f"telegram:{new} in notify.recipients instead"))
        return self._http_error(code, description, address)

    def _http_error(self, code: int, description: str, address: str = "") -> Delivery:
        said = f" ({description})" if description else ""
        if code == 400 and "chat not found" in description.lower():
            return Delivery(ok=False, permanent=True, error=(
                f"Telegram: chat {address} not found{said}: check the chat id, and that the bot is in the group "
                "(or that the person has pressed Start in the bot's chat)"))
        if code == 401:
            return Delivery(ok=False, permanent=True, error=(
                f"Telegram refused the bot token (401){said}: check the token in the environment variable "
                "(BotFather gives it: /mybots, API Token)"))
        if code == 403:
            return Delivery(ok=False, permanent=True, error=(
                f"Telegram: the bot may not write to chat {address} (403){said}: add the bot to the group again, "
                "or ask the person to unblock it and press Start"))
        if code == 404:
            return Delivery(ok=False, permanent=True, error=(
                "Telegram answered 404 (Not Found): the bot token or notify.telegram.api_url is wrong"))
        if 400 <= code < 500:
            return Delivery(ok=False, permanent=True, error=f"Telegram refused the message ({code}){said}")
        return Delivery(ok=False, error=f"Telegram answered HTTP {code}{said}; it may work again later")

    def _scrub(self, text: str) -> str:
        return scrub(text, self._token)
