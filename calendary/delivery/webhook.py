"""POSTs a notification to an N8N webhook (`docs/n8n/telegram-notify.json`).

N8N records each request it receives (headers and body) in its execution data, so nothing
secret may be in one:
- The caller proves itself with a JWT (HS256, one minute, signed with
  `NotificationWebhookSecret`) that N8N's "JWT Auth" checks; the secret itself never travels.
- A picture travels as bytes (multipart field `photo`), not as its read-SAS link: the service
  downloads the link itself, and N8N uploads the bytes to Telegram.
The workflow answers 200 once Telegram accepted the message, 502 when sending failed. Anything
but 2xx is retried.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from pydantic import SecretStr

from calendary.delivery.errors import PermanentDeliveryError, TransientDeliveryError
from calendary.delivery.webhook_token import bearer_token
from calendary.domain.image_urls import redact_url
from calendary.domain.notifications import Notification

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
        headers = {IDEMPOTENCY_HEADER: notification.idempotency_key}
        if self._secret:
            headers["Authorization"] = "Bearer " + bearer_token(
                self._secret, subject=notification.idempotency_key
            )
        fields = json.loads(notification.to_json())
        fields.pop("imageUrl", None)
        request: dict[str, Any] = {"json": fields}
        if notification.image_url:
            photo = self._download(notification.image_url)
            # Form fields are text: metadata goes as its JSON.
            data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
            request = {"data": data, "files": {"photo": ("photo.jpg", photo, "image/jpeg")}}
        try:
            response = self._http.post(self._url, headers=headers, **request)
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(f"webhook: {type(exc).__name__}") from None
        if not response.is_success:
            raise TransientDeliveryError(f"webhook answered {response.status_code}")
        return ""

    def _download(self, url: str) -> bytes:
        try:
            response = self._http.get(url)
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(f"image download: {type(exc).__name__}") from None
        if response.status_code in (403, 404):  # an expired link or a deleted image stays so
            raise PermanentDeliveryError(f"image download answered {response.status_code}")
        if not response.is_success:
            raise TransientDeliveryError(f"image download answered {response.status_code}")
        return response.content

    def close(self) -> None:
        self._http.close()
