"""Delivers one queued notification at most once per idempotency key (see `DeliveryRecords`).

Outcomes: `sent`, `duplicate` (an earlier copy was sent) and `rejected` (Telegram refused for
good: chat not found, bot blocked) are returned, so the host deletes the message; transient
failures are raised, so the host retries and finally moves it to the poison queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from azure.core.exceptions import AzureError

from calendary.delivery.errors import PermanentDeliveryError, TransientDeliveryError
from calendary.domain.notifications import Notification
from calendary.storage.deliveries import DeliveryRecords

logger = logging.getLogger("calendary.delivery")


class Sender(Protocol):
    channel: str

    def send(self, notification: Notification) -> str:
        """Send once; return the remote message id (or "") or raise a DeliveryError."""
        ...


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Deliverer:
    sender: Sender
    records: DeliveryRecords

    def deliver(
        self, notification: Notification, *, queue_message_id: str, dequeue_count: int
    ) -> DeliveryOutcome:
        ids = (
            f"chat_id={notification.user_id} key={notification.idempotency_key} "
            f"queue_message_id={queue_message_id} attempt={dequeue_count}"
        )
        claim = self.records.claim(notification, queue_message_id)
        if claim is None:
            logger.info("notification already sent, skipped: %s", ids)
            return DeliveryOutcome.DUPLICATE
        channel = self.sender.channel
        try:
            remote_id = self.sender.send(notification)
        except PermanentDeliveryError as exc:
            self.records.release(claim)
            logger.warning("notification rejected, not retried: %s via %s: %s", ids, channel, exc)
            return DeliveryOutcome.REJECTED
        except TransientDeliveryError as exc:
            self.records.release(claim)
            hint = f" (retry after {exc.retry_after:g} s)" if exc.retry_after is not None else ""
            logger.warning(
                "notification not sent, will retry: %s via %s: %s%s", ids, channel, exc, hint
            )
            raise
        try:
            self.records.complete(claim, channel=channel, remote_id=remote_id)
        except AzureError as exc:
            # Raising now would send it again on retry; the claim keeps later copies out for
            # the lease, after which a re-queued copy could be sent once more.
            logger.error("notification sent but not recorded: %s: %s", ids, type(exc).__name__)
        logger.info("notification sent: %s via %s remote_id=%s", ids, channel, remote_id or "-")
        return DeliveryOutcome.SENT
