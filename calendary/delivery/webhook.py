"""POSTs a notification's JSON to an N8N webhook (`docs/n8n/telegram-notify.json`).

The workflow checks `X-Calendary-Secret` (an N8N Header Auth credential) and answers 200 once
Telegram accepted the message, 502 when sending failed. Anything but 2xx is retried.
"""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from calendary.delivery.errors import TransientDeliveryError
from calendary.domain.image_urls import redact_url
from calendary.domain.notifications import Notification

SECRET_HEADER = "X-Calendary-Secret"  # noqa: S105 (a header name)
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)  # the workflow answers after Telegram does


class WebhookSender:
    channel = "webhook"

    def __init__(
        self,
        *,
        url: str,
        secret: SecretStr | None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not url:
            raise ValueError("NotificationWebhookUrl is not set")
        self._url = url
        self._secret = secret.get_secret_value() if secret else ""
        self._http = httpx.Client(timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"WebhookSender(url={redact_url(self._url)!r})"

    def send(self, notification: Notification) -> str:
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: notification.idempotency_key,
        }
        if self._secret:
            headers[SECRET_HEADER] = self._secret
        try:
            response = self._http.post(
                self._url, content=notification.to_json().encode("utf-8"), headers=headers
            )
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(f"webhook: {type(exc).__name__}") from None
        if not response.is_success:
            raise TransientDeliveryError(f"webhook answered {response.status_code}")
        return ""

    def close(self) -> None:
        self._http.close()
