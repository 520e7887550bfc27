"""Notifications as the workflows queue them."""

from calendary.domain import notifications
from calendary.domain.notifications import Notification

CHAT = "123456789"


def training_complete(chat: str = CHAT, training_id: str = "tr1") -> Notification:
    return notifications.training_complete(
        chat,
        training_id=training_id,
        model_id=f"owner/telegram_flux_{chat}_1",
        version="v1",
        instance_id="inst-1",
        language="uk",
    )


def generation_complete(image_url: str, chat: str = CHAT) -> Notification:
    return notifications.generation_complete(
        chat, generation_id="g1", training_id="tr1", image_url=image_url, seed=42, language="en"
    )
