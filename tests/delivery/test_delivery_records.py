"""Claims in the NotificationDeliveries table keep copies of one notification from both sending."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from azure.data.tables import TableClient

from calendary.delivery.errors import TransientDeliveryError
from calendary.storage.clients import StorageClients
from calendary.storage.deliveries import DeliveryRecords, row_key
from tests.delivery.messages import CHAT, training_complete

T0 = datetime(2025, 1, 14, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def table(storage_clients: StorageClients, unique_name: str) -> Iterator[TableClient]:
    client = storage_clients.table_service.create_table(unique_name)
    yield client
    storage_clients.table_service.delete_table(unique_name)


def test_a_fresh_claim_of_another_copy_blocks_and_a_stale_one_is_taken_over(
    table: TableClient,
) -> None:
    clock = Clock()
    records = DeliveryRecords(table, lease=timedelta(minutes=2), clock=clock)
    message = training_complete()
    assert records.claim(message, "copy-a") is not None

    with pytest.raises(TransientDeliveryError, match="being sent"):
        records.claim(message, "copy-b")
    clock.now = T0 + timedelta(minutes=3)
    taken = records.claim(message, "copy-b")

    assert taken is not None
    assert table.get_entity(CHAT, row_key(message.idempotency_key))["QueueMessageId"] == "copy-b"


def test_the_same_queue_message_retakes_its_own_claim(table: TableClient) -> None:
    # An attempt that died after claiming: its retry must not wait for the lease.
    records = DeliveryRecords(table, clock=Clock())
    message = training_complete()
    records.claim(message, "m1")
    assert records.claim(message, "m1") is not None


def test_a_sent_notification_is_never_claimed_again(table: TableClient) -> None:
    clock = Clock()
    records = DeliveryRecords(table, clock=clock)
    message = training_complete()
    claim = records.claim(message, "m1")
    assert claim is not None
    records.complete(claim, channel="telegram", remote_id="17")
    clock.now = T0 + timedelta(days=1)

    assert records.claim(message, "m1") is None
    assert records.claim(message, "m2") is None
    stored = records.get(message)
    assert stored is not None
    assert (stored["Status"], stored["RemoteId"], stored["MessageType"]) == (
        "sent",
        "17",
        "training_complete",
    )


def test_a_released_claim_frees_the_notification(table: TableClient) -> None:
    records = DeliveryRecords(table, clock=Clock())
    message = training_complete()
    claim = records.claim(message, "m1")
    assert claim is not None
    records.release(claim)

    assert records.get(message) is None
    assert records.claim(message, "m2") is not None


def test_a_release_after_a_takeover_leaves_the_new_claim(table: TableClient) -> None:
    clock = Clock()
    records = DeliveryRecords(table, lease=timedelta(minutes=2), clock=clock)
    message = training_complete()
    old = records.claim(message, "m1")
    assert old is not None
    clock.now = T0 + timedelta(minutes=5)
    assert records.claim(message, "m2") is not None

    records.release(old)  # the slow first attempt fails at last

    stored = records.get(message)
    assert stored is not None
    assert stored["QueueMessageId"] == "m2"
