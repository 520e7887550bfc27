"""Queue trigger `DeliverNotification`: sends each `telegram-notifications` message.

Opt-in. The function is registered only when `TelegramBotToken` or `NotificationWebhookUrl` is
set when the app starts (the worker indexes functions at import; Azure restarts the app when a
setting changes). Without either, nothing listens to the queue, so N8N can read it itself: a
registered function that merely returned would delete every message, and one that raised would
move them all to the poison queue.
"""

from __future__ import annotations

import logging
import os

import azure.durable_functions as df
import azure.functions as func
from pydantic import ValidationError

from calendary.bootstrap import services
from calendary.delivery.channels import Channel, channel_from_environ
from calendary.domain.notifications import Notification

FUNCTION_NAME = "DeliverNotification"

logger = logging.getLogger("calendary.delivery")


def parse(msg: func.QueueMessage) -> Notification:
    """The host has already Base64-decoded the message (host.json `messageEncoding`)."""
    try:
        return Notification.model_validate_json(msg.get_body())
    except ValidationError:
        # Raised, so the message ends in the poison queue for a person to look at; pydantic's
        # own message would repeat the input.
        logger.error("malformed notification message: queue_message_id=%s", msg.id)
        raise ValueError("malformed notification message") from None


def blueprint_for(channel: Channel | None) -> df.Blueprint:
    """The blueprint for the chosen channel: empty when delivery is disabled (None). Only the
    choice is made here; the function delivers through the process's services."""
    bp = df.Blueprint()
    if channel is None:
        return bp

    @bp.function_name(FUNCTION_NAME)
    @bp.queue_trigger(
        arg_name="msg", queue_name="%NotificationsQueue%", connection="AzureWebJobsStorage"
    )
    def deliver_notification(msg: func.QueueMessage) -> None:
        notification = parse(msg)
        services().deliverer.deliver(
            notification,
            queue_message_id=msg.id or "",
            dequeue_count=getattr(msg, "dequeue_count", None) or 1,
        )

    return bp


# The app settings are the process environment (Azure and `func start` both put them there);
# read without building Settings, which would load pydantic-settings while the worker indexes.
bp = blueprint_for(channel_from_environ(os.environ))
