"""Telegram delivery end to end: the product app in the local host, a real Azurite queue, the
fake Telegram. `DeliverNotification` is registered at import only when a bot token is set, so
the host runs in its own process with the settings in its environment, as `func start` would.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.queue import QueueClient

from calendary.domain.notifications import Notification
from calendary.storage.clients import StorageClients
from calendary.storage.deliveries import row_key
from calendary.storage.notifications_queue import NotificationQueue
from devhost.testing import HostProcess, spawn_host
from tests.delivery.messages import generation_complete, training_complete
from tests.images.samples import photo
from tools.fakes.replicate.testing import StubSite, stub_site
from tools.fakes.telegram.testing import RunningTelegram, running_telegram

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


@dataclass
class DeliveryHost:
    process: HostProcess
    queue: NotificationQueue
    raw_queue: QueueClient
    poison: QueueClient
    storage: StorageClients
    deliveries_table: str
    max_dequeue_count: int

    def in_queue(self) -> int:
        """Messages still in the queue, visible or leased to a running function."""
        return self.raw_queue.get_queue_properties().approximate_message_count

    def poisoned(self, chat: str) -> list[dict[str, Any]]:
        try:
            peeked = self.poison.peek_messages(max_messages=32)
            bodies = [json.loads(base64.b64decode(m.content)) for m in peeked]
        except ResourceNotFoundError:
            return []
        return [b for b in bodies if b["userId"] == chat]

    def record(self, notification: Notification) -> dict[str, Any]:
        table = self.storage.table_service.get_table_client(self.deliveries_table)
        return dict(table.get_entity(notification.user_id, row_key(notification.idempotency_key)))


def wait_for(check: Callable[[], T], timeout: float = 30.0) -> T:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)
    return value


def fast_retry_host_json(directory: Path) -> Path:
    """The product's host.json with retries made immediate, so five attempts take a second.

    In Azure a failed message waits `visibilityTimeout` (30 s) before its next try.
    """
    config = json.loads((ROOT / "host.json").read_text(encoding="utf-8"))
    config["extensions"]["queues"] |= {
        "visibilityTimeout": "00:00:00",
        "maxPollingInterval": "00:00:00.100",
    }
    path = directory / "host.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def telegram() -> Iterator[RunningTelegram]:
    with running_telegram() as running:
        yield running


@pytest.fixture(scope="module")
def site() -> Iterator[StubSite]:
    with stub_site({"/generated/g1.jpg": photo(640, 480)}) as running:
        yield running


@pytest.fixture(scope="module")
def delivery_host(
    telegram: RunningTelegram,
    storage_clients: StorageClients,
    azurite_connection_string: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DeliveryHost]:
    name = "t" + uuid.uuid4().hex[:20]
    directory = tmp_path_factory.mktemp("delivery-host")
    host_json = fast_retry_host_json(directory)
    env = {
        "AzureWebJobsStorage": azurite_connection_string,
        "TelegramBotToken": telegram.token,
        "TelegramApiBaseUrl": telegram.base_url,
        "NotificationsQueue": name,
        "NotificationDeliveriesTable": name,
    }
    queues = storage_clients.queue_service
    queues.create_queue(name)
    process = spawn_host("function_app:app", directory, env=env, host_json=str(host_json), cwd=ROOT)
    try:
        yield DeliveryHost(
            process=process,
            queue=NotificationQueue.from_service(queues, name),
            raw_queue=queues.get_queue_client(name),
            poison=queues.get_queue_client(f"{name}-poison"),
            storage=storage_clients,
            deliveries_table=name,
            max_dequeue_count=json.loads(host_json.read_text())["extensions"]["queues"][
                "maxDequeueCount"
            ],
        )
    finally:
        process.stop()
        for queue in (name, f"{name}-poison"):
            with contextlib.suppress(ResourceNotFoundError):
                queues.delete_queue(queue)
        storage_clients.table_service.delete_table(name)


@pytest.fixture
def chat() -> str:
    return str(uuid.uuid4().int % 10**12)


def test_text_is_sent_with_send_message_and_recorded(
    delivery_host: DeliveryHost, telegram: RunningTelegram, chat: str
) -> None:
    message = training_complete(chat)
    delivery_host.queue.send(message)

    [sent] = wait_for(lambda: telegram.fake.sent_to(chat))
    wait_for(lambda: delivery_host.in_queue() == 0)

    assert (sent.method, sent.text) == ("sendMessage", message.text)
    record = delivery_host.record(message)
    assert (record["Status"], record["Channel"]) == ("sent", "telegram")
    assert record["RemoteId"] == str(sent.message_id)
    assert record["IdempotencyKey"] == "training_complete:tr1"


def test_image_is_sent_with_send_photo_and_telegram_fetches_it(
    delivery_host: DeliveryHost, telegram: RunningTelegram, site: StubSite, chat: str
) -> None:
    message = generation_complete(site.url("/generated/g1.jpg") + "?sv=2024&sig=abc", chat)
    delivery_host.queue.send(message)

    [sent] = wait_for(lambda: telegram.fake.sent_to(chat))

    assert (sent.method, sent.caption) == ("sendPhoto", "Image generated!")
    assert sent.photo_url == message.image_url
    assert sent.photo_size == (640, 480)


def test_a_500_is_retried_and_the_message_sent_once(
    delivery_host: DeliveryHost, telegram: RunningTelegram, chat: str
) -> None:
    telegram.fake.fail_next(1, status=500)
    delivery_host.queue.send(training_complete(chat))

    wait_for(lambda: telegram.fake.sent_to(chat))
    wait_for(lambda: delivery_host.in_queue() == 0)

    assert [c.status for c in telegram.fake.calls_to(chat)] == [500, 200]
    assert len(telegram.fake.sent_to(chat)) == 1
    assert delivery_host.poisoned(chat) == []


def test_repeated_failure_ends_in_the_poison_queue(
    delivery_host: DeliveryHost, telegram: RunningTelegram, chat: str
) -> None:
    message = training_complete(chat)
    telegram.fake.fail_next(delivery_host.max_dequeue_count, status=500)
    delivery_host.queue.send(message)

    [poisoned] = wait_for(lambda: delivery_host.poisoned(chat))

    assert poisoned == json.loads(message.to_json())
    assert delivery_host.in_queue() == 0
    statuses = [c.status for c in telegram.fake.calls_to(chat)]
    assert statuses == [500] * delivery_host.max_dequeue_count
    assert telegram.fake.sent_to(chat) == []


def test_a_notification_queued_twice_is_sent_once(
    delivery_host: DeliveryHost, telegram: RunningTelegram, chat: str
) -> None:
    # The producing activity ran again after a lost reply: two queue messages, one notification.
    first = delivery_host.queue.send(training_complete(chat))
    second = delivery_host.queue.send(training_complete(chat))
    assert first != second

    wait_for(lambda: telegram.fake.sent_to(chat))
    wait_for(lambda: delivery_host.in_queue() == 0)

    assert len(telegram.fake.sent_to(chat)) == 1
    assert [c.status for c in telegram.fake.calls_to(chat)] == [200]
    assert delivery_host.poisoned(chat) == []
