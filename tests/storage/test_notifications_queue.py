"""Notification queue messages are Base64 of UTF-8 JSON, as the queue trigger and N8N read them."""

import base64
import json

from calendary.domain import notifications
from calendary.storage.clients import StorageClients
from calendary.storage.notifications_queue import NotificationQueue, decode_message


def test_messages_are_base64_of_utf8_json(
    storage_clients: StorageClients, unique_name: str
) -> None:
    service = storage_clients.queue_service
    service.create_queue(unique_name)
    try:
        queue = NotificationQueue.from_service(service, unique_name)
        message = notifications.training_complete(
            "123456789",
            training_id="abc",
            model_id="o/telegram_flux_123456789_1",
            version="v",
            instance_id="i",
            language="uk",
        )
        assert queue.send(message)
        received = list(service.get_queue_client(unique_name).receive_messages())
        assert len(received) == 1
        raw = received[0].content
        body = json.loads(base64.b64decode(raw).decode("utf-8"))
        assert (
            body["text"]
            == "Тренування завершено! Модель o/telegram_flux_123456789_1 готова до генерації."
        )
        assert body["messageType"] == "training_complete"
        assert decode_message(raw) == message
    finally:
        service.delete_queue(unique_name)
