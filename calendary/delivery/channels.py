"""Which delivery channel the settings choose, and its sender; bootstrap adds the records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from calendary.delivery.deliver import Sender
    from calendary.settings import Settings

Channel = Literal["telegram", "webhook"]


def _choose(webhook_url: str | None, bot_token: str | None) -> Channel | None:
    """The N8N webhook when its URL is set, else Telegram when a bot token is set, else none.

    The webhook wins because a token alone does not mean direct delivery: the service also
    needs it to download the photos N8N names by Telegram file path.
    """
    if webhook_url and webhook_url.strip():
        return "webhook"
    if bot_token and bot_token.strip():
        return "telegram"
    return None


def delivery_channel(settings: Settings) -> Channel | None:
    token = settings.telegram_bot_token
    return _choose(settings.notification_webhook_url, token.get_secret_value() if token else None)


def channel_from_environ(environ: Mapping[str, str]) -> Channel | None:
    """`delivery_channel(Settings())` read straight from the environment, as Settings reads it
    (names case-insensitive). For the worker's import, which decides whether to register the
    trigger: building Settings would load pydantic-settings (~40 ms) before any function runs."""
    values = {name.lower(): value for name, value in environ.items()}
    # The aliases of `Settings.notification_webhook_url` and `.telegram_bot_token`.
    return _choose(values.get("notificationwebhookurl"), values.get("telegrambottoken"))


def build_sender(settings: Settings) -> Sender:
    # Imported here: the app decides at import whether to register the trigger, and the
    # senders' HTTP client need not load for that.
    from calendary.delivery.telegram import TelegramSender
    from calendary.delivery.webhook import WebhookSender

    channel = delivery_channel(settings)
    if channel == "telegram":
        assert settings.telegram_bot_token is not None
        return TelegramSender(
            token=settings.telegram_bot_token, base_url=settings.telegram_api_base_url
        )
    if channel == "webhook":
        assert settings.notification_webhook_url is not None
        return WebhookSender(
            url=settings.notification_webhook_url.strip(),
            secret=settings.notification_webhook_secret,
        )
    raise ValueError(
        "notification delivery is disabled: set TelegramBotToken or NotificationWebhookUrl"
    )
