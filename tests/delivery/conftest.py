"""Fixtures for the delivery tests: Azurite queues, a queue host, fake Telegram, a photo site."""

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from calendary.settings import Settings
from calendary.storage.clients import StorageClients, build_storage_clients
from calendary.storage.notifications_queue import NotificationQueue
from tests.delivery.queue_host import QueueHost
from tests.images.samples import photo
from tools.devstack import fake_settings
from tools.fakes.replicate.testing import StubSite, stub_site
from tools.fakes.telegram.testing import RunningTelegram, running_telegram


@pytest.fixture(scope="session")
def storage_clients(azurite_connection_string: str) -> StorageClients:
    return build_storage_clients(connection_string=azurite_connection_string)


@pytest.fixture
def storage_settings(azurite_connection_string: str, unique_name: str) -> dict[str, object]:
    """Settings fields for a queue and a deliveries table of this test only."""
    return {
        "storage_connection_string": SecretStr(azurite_connection_string),
        "notifications_queue": unique_name,
        "notification_deliveries_table": unique_name,
    }


@pytest.fixture
def host(storage_clients: StorageClients, unique_name: str) -> Iterator[QueueHost]:
    storage_clients.queue_service.create_queue(unique_name)
    host = QueueHost(storage_clients.queue_service, unique_name)
    yield host
    host.delete_queues()
    storage_clients.table_service.delete_table(unique_name)


@pytest.fixture
def queue(storage_clients: StorageClients, host: QueueHost, unique_name: str) -> NotificationQueue:
    return NotificationQueue.from_service(storage_clients.queue_service, unique_name)


@pytest.fixture
def telegram() -> Iterator[RunningTelegram]:
    with running_telegram() as running:
        yield running


@pytest.fixture
def telegram_settings(telegram: RunningTelegram, storage_settings: dict[str, object]) -> Settings:
    return fake_settings.telegram_settings(telegram, **storage_settings)


@pytest.fixture
def site() -> Iterator[StubSite]:
    """Serves a generated picture at /generated/g1.jpg and receives webhook POSTs."""
    with stub_site({"/generated/g1.jpg": photo(640, 480)}) as running:
        yield running
