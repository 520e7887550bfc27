"""Which delivery channel the settings choose, and its sender; bootstrap adds the records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from calendary.settings import Settings

if TYPE_CHECKING:
    from calendary.delivery.deliver import Sender

Channel = Literal["telegram", "webhook"]


def delivery_channel(settings: Settings) -> Channel | None:
    """The N8N webhook when its URL is set, else Telegram when a bot token is set, else none.

    The webhook wins because a token alone does not mean direct delivery: the service also
    needs it to download the photos N8N names by Telegram file path.
    """
    if settings.notification_webhook_url and settings.notification_webhook_url.strip():
        return "webhook"
    if settings.telegram_bot_token and settings.telegram_bot_token.get_secret_value().strip():
        return "telegram"
    return None


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
