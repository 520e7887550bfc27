"""The `NotificationDeliveries` table: which notifications were sent, keyed by idempotency key.

One row per notification: PartitionKey = chat id, RowKey = SHA-256 of `metadata.idempotencyKey`
(table keys may not contain `/`, `\\`, `#` or `?`, and the key is free text). A sender first
*claims* the row (`Status=sending`, with the queue message id), sends, then marks it `sent`.
Claims are written with etag conditions, so two copies of one notification (the producer queued
it twice) cannot both send; a later copy finds `sent` and completes without sending.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import (
    AzureError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.data.tables import TableClient, UpdateMode

from calendary.delivery.errors import TransientDeliveryError
from calendary.domain.notifications import Notification

logger = logging.getLogger("calendary.delivery")

SENDING = "sending"
SENT = "sent"
# Longer than one send may take (timeouts of 30-60 s): an older claim belongs to an attempt
# that died, and another copy of the message may take it over.
DEFAULT_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Claim:
    partition_key: str
    row_key: str
    etag: str


def row_key(idempotency_key: str) -> str:
    return hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryRecords:
    def __init__(
        self,
        table: TableClient,
        *,
        lease: timedelta = DEFAULT_LEASE,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._table = table
        self._lease = lease
        self._clock = clock

    def get(self, notification: Notification) -> dict[str, Any] | None:
        try:
            return dict(
                self._table.get_entity(notification.user_id, row_key(notification.idempotency_key))
            )
        except ResourceNotFoundError:
            return None

    def claim(self, notification: Notification, queue_message_id: str) -> Claim | None:
        """A claim to send now, or None when the notification was already sent.

        Raises TransientDeliveryError while another copy holds a fresh claim. The same queue
        message finding its own claim is a retry after an attempt whose outcome is unknown
        (crash, lost record write): it sends again (at-least-once, see docs/n8n-setup.md).
        """
        pk, rk = notification.user_id, row_key(notification.idempotency_key)
        entity = {
            "PartitionKey": pk,
            "RowKey": rk,
            "IdempotencyKey": notification.idempotency_key,
            "MessageType": notification.message_type,
            "Status": SENDING,
            "QueueMessageId": queue_message_id,
            "ClaimedAt": self._clock(),
        }
        try:
            return Claim(pk, rk, self._table.create_entity(entity)["etag"])
        except ResourceExistsError:
            pass
        try:
            existing = self._table.get_entity(pk, rk)
        except ResourceNotFoundError:
            raise TransientDeliveryError("another copy just released its claim") from None
        if existing.get("Status") == SENT:
            return None
        mine = existing.get("QueueMessageId") == queue_message_id
        claimed_at = existing.get("ClaimedAt")
        stale = not isinstance(claimed_at, datetime) or (self._clock() - claimed_at > self._lease)
        if not (mine or stale):
            raise TransientDeliveryError("another copy of this notification is being sent")
        try:
            metadata = self._table.update_entity(
                entity,
                mode=UpdateMode.REPLACE,
                etag=existing.metadata["etag"],
                match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            raise TransientDeliveryError(
                "another copy of this notification took the claim"
            ) from None
        return Claim(pk, rk, metadata["etag"])

    def complete(self, claim: Claim, *, channel: str, remote_id: str) -> None:
        self._table.upsert_entity(
            {
                "PartitionKey": claim.partition_key,
                "RowKey": claim.row_key,
                "Status": SENT,
                "SentAt": self._clock(),
                "Channel": channel,
                "RemoteId": remote_id,
            },
            mode=UpdateMode.MERGE,
        )

    def release(self, claim: Claim) -> None:
        """Drop a claim after a failed send, so a retry or a re-queued copy may send."""
        try:
            self._table.delete_entity(
                claim.partition_key,
                claim.row_key,
                etag=claim.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            pass
        except AzureError as exc:
            # The claim stays with this queue message, whose retry takes it over.
            logger.warning("delivery claim not released: %s", type(exc).__name__)
