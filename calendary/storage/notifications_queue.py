"""Puts notification messages on the `telegram-notifications` queue.

Encoding: each message is the notification's JSON, UTF-8 encoded, then Base64 — the default a
Functions queue trigger expects (`host.json` `extensions.queues.messageEncoding: "base64"`).
Consumers reading the queue over REST (N8N) must Base64-decode the message text.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from calendary.domain.notifications import Notification

# The SDK is imported where it is used, so it loads on first use, not when the app is indexed.
if TYPE_CHECKING:
    from azure.storage.queue import QueueClient, QueueServiceClient


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

    def drop_for_chat(self, chat_id: str, hide_seconds: int = 10) -> int:
        """Delete every queued message for `chat_id`; idempotent.

        Messages can be deleted only once received, so the sweep receives them all: the chat's
        are deleted, the others stay hidden for `hide_seconds` (so the sweep ends) and then come
        back as they were, one dequeue count higher.
        """
        dropped = 0
        while True:
            batch = list(
                self._queue.receive_messages(max_messages=32, visibility_timeout=hide_seconds)
            )
            if not batch:
                return dropped
            for message in batch:
                try:
                    mine = decode_message(message.content).user_id == chat_id
                except ValueError:
                    mine = False  # not ours to judge: the consumer moves it to poison
                if mine:
                    self._queue.delete_message(message)
                    dropped += 1

    def send(self, notification: Notification) -> str:
        """Enqueue; returns the queue's message id. Consumers dedupe on metadata.idempotencyKey."""
        return self._queue.send_message(encode_message(notification)).id
