"""Sends a notification with the Telegram Bot API (`sendMessage`, or `sendPhoto` by URL).

The bot token is a path segment of every request URL (`/bot<token>/<method>`), so the URL is
never logged or put into an error, and httpx's own request log line is scrubbed.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from pydantic import SecretStr

from calendary.delivery.errors import PermanentDeliveryError, TransientDeliveryError
from calendary.domain.notifications import Notification

# Telegram downloads a photo given by URL before answering, so allow it time for that.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_TEXT = 4096
MAX_CAPTION = 1024
# 401/404 mean a wrong token or base URL: fixable by the operator, so the message should wait in
# the poison queue rather than be dropped.
_CONFIGURATION_ERRORS = frozenset({401, 404})


class _RedactToken(logging.Filter):
    """Removes one token from records of the logger it is attached to (httpx logs each URL)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<redacted>")
            record.args = ()
        return True


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def request_for(notification: Notification) -> tuple[str, dict[str, Any]]:
    """The Bot API method and JSON payload for one notification (plain text, no parse mode)."""
    if notification.image_url:
        return "sendPhoto", {
            "chat_id": notification.user_id,
            "photo": notification.image_url,
            "caption": _shorten(notification.text, MAX_CAPTION),
        }
    return "sendMessage", {
        "chat_id": notification.user_id,
        "text": _shorten(notification.text, MAX_TEXT),
    }


def result_of(method: str, response: httpx.Response) -> str:
    """The sent message's id, or a typed error from Telegram's `{ok, error_code, ...}` answer."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    if response.status_code == 200 and body.get("ok") is True:
        result = body.get("result")
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""
    code = body.get("error_code")
    code = code if isinstance(code, int) else response.status_code
    description = str(body.get("description") or f"HTTP {response.status_code}")[:200]
    where = f"Telegram {method}: {code} {description}"
    parameters = body.get("parameters")
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if code == 429 or code >= 500 or code in _CONFIGURATION_ERRORS:
        hint = float(retry_after) if isinstance(retry_after, int | float) else None
        raise TransientDeliveryError(where, retry_after=hint)
    if 400 <= code < 500:
        raise PermanentDeliveryError(where)
    raise TransientDeliveryError(where)


class TelegramSender:
    """One per process: owns an httpx connection pool. Timeouts are always on."""

    channel = "telegram"

    def __init__(
        self,
        *,
        token: SecretStr,
        base_url: str = "https://api.telegram.org",
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        secret = token.get_secret_value()
        if not secret:
            raise ValueError("TelegramBotToken is not set")
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._http = httpx.Client(timeout=timeout, transport=transport)
        httpx_logger = logging.getLogger("httpx")
        if not any(
            isinstance(f, _RedactToken) and f._token == secret for f in httpx_logger.filters
        ):
            httpx_logger.addFilter(_RedactToken(secret))

    def __repr__(self) -> str:
        return f"TelegramSender(base_url={self._base_url!r})"

    def send(self, notification: Notification) -> str:
        method, payload = request_for(notification)
        url = f"{self._base_url}/bot{self._token.get_secret_value()}/{method}"
        try:
            response = self._http.post(url, json=payload)
        except httpx.HTTPError as exc:
            # `from None`: httpx errors may carry the request (and so the URL) along.
            raise TransientDeliveryError(f"Telegram {method}: {type(exc).__name__}") from None
        return result_of(method, response)

    def close(self) -> None:
        self._http.close()
