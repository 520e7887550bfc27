"""Puts notification messages on the `telegram-notifications` queue.

Encoding: each message is the notification's JSON, UTF-8 encoded, then Base64 — the default a
Functions queue trigger expects (`host.json` `extensions.queues.messageEncoding: "base64"`).
Consumers reading the queue over REST (N8N) must Base64-decode the message text.
"""

from __future__ import annotations

import base64

from azure.storage.queue import QueueClient, QueueServiceClient

from calendary.domain.notifications import Notification


def encode_message(notification: Notification) -> str:
    return base64.b64encode(notification.to_json().encode("utf-8")).decode("ascii")


def decode_message(content: str) -> Notification:
    return Notification.model_validate_json(base64.b64decode(content))


class NotificationQueue:
    """Give it a `QueueClient` without an encode policy: this class encodes itself."""

    def __init__(self, queue: QueueClient) -> None:
        self._queue = queue

    @classmethod
    def from_service(cls, service: QueueServiceClient, name: str) -> NotificationQueue:
        return cls(service.get_queue_client(name))

    def send(self, notification: Notification) -> str:
        """Enqueue; returns the queue's message id. Consumers dedupe on metadata.idempotencyKey."""
        return self._queue.send_message(encode_message(notification)).id
