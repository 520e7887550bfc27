"""Activity: queue a Telegram notification in `telegram-notifications`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from activities.contracts import SendNotificationInput
from calendary.bootstrap import services
from calendary.domain import notifications
from calendary.domain.notifications import Notification

bp = df.Blueprint()
log = logging.getLogger(__name__)

BUILDERS: dict[str, Callable[..., Notification]] = {
    "upload_complete": notifications.upload_complete,
    "upload_failed": notifications.upload_failed,
    "training_started": notifications.training_started,
    "training_complete": notifications.training_complete,
    "training_failed": notifications.training_failed,
    "generation_complete": notifications.generation_complete,
    "generation_failed": notifications.generation_failed,
}

# Telegram fetches the photo when the message is delivered, which may be a while after queueing.
IMAGE_LINK_TTL = timedelta(hours=24)


@bp.activity_trigger(input_name="request")
def send_notification(request: dict[str, Any]) -> str:
    """At least once: a retry may queue the message again; consumers drop repeats by
    `metadata.idempotencyKey`, which the message's ids determine."""
    job = SendNotificationInput.model_validate(request)
    svc = services()
    details = dict(job.details)
    if job.image_blob:
        # The one place a SAS link leaves the service: the image the user is about to see.
        details["image_url"] = svc.blobs.read_sas_url(job.image_blob, ttl=IMAGE_LINK_TTL)
    message = BUILDERS[job.message_type](
        job.chat_id, language=svc.settings.notification_language, **details
    )
    message_id = svc.notifications.send(message)
    log.info(
        "notification queued chat_id=%s type=%s key=%s",
        job.chat_id,
        job.message_type,
        message.idempotency_key,
    )
    return message_id
