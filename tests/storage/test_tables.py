"""Training and generation rows on Azurite: upsert, merge, large seeds, no SAS stored."""

from datetime import UTC, datetime

import pytest

from calendary.domain.chat_state import GenerationRecord
from calendary.storage.clients import StorageClients
from calendary.storage.tables import (
    GenerationRow,
    GenerationsTable,
    TrainingRow,
    TrainingsTable,
    generation_row,
    training_row,
)

T0 = datetime(2025, 1, 14, 10, 35, tzinfo=UTC)


@pytest.fixture
def table_name(storage_clients: StorageClients, unique_name: str):
    storage_clients.table_service.create_table(unique_name)
    yield unique_name
    storage_clients.table_service.delete_table(unique_name)


def test_training_rows_upsert_merge_and_read_back(
    storage_clients: StorageClients, table_name: str
) -> None:
    table = TrainingsTable(storage_clients.table_service.get_table_client(table_name))
    started = TrainingRow(
        chat_id="-100",
        training_id="abc123xyz",
        replicate_id="abc123xyz",
        model_id="chernikov/telegram_flux_n100_1",
        status="starting",
        archive_url="https://a/data/-100/archive_20250114_103500.zip",
        trigger_word="TOK",
        steps=1000,
        created_at=T0,
        instance_id="inst-1",
    )
    table.upsert(started)
    table.upsert(started)
    done = TrainingRow(
        chat_id="-100",
        training_id="abc123xyz",
        status="succeeded",
        version="f" * 64,
        completed_at=T0.replace(hour=11),
    )
    table.upsert(done)
    row = table.get("-100", "abc123xyz")
    assert row is not None
    assert row.model_dump(exclude={"completed_at", "created_at"}) == started.model_copy(
        update={"status": "succeeded", "version": "f" * 64}
    ).model_dump(exclude={"completed_at", "created_at"})
    assert row.created_at == T0
    assert row.completed_at == T0.replace(hour=11)
    assert table.get("-100", "missing") is None
    assert [r.training_id for r in table.list_for_chat("-100")] == ["abc123xyz"]
    assert table.list_for_chat("-1000") == []


def test_generation_rows_keep_large_seeds(storage_clients: StorageClients, table_name: str) -> None:
    table = GenerationsTable(storage_clients.table_service.get_table_client(table_name))
    row = GenerationRow(
        chat_id="1",
        generation_id="g-1",
        training_id="abc",
        replicate_id="pred1",
        prompt="a photo of TOK, 'quoted' \"and\" ünïcödé",
        seed=2**32 - 1,
        output_seed=42069,
        image_url="https://a/data/1/generated/g-1.jpg",
        status="succeeded",
        created_at=T0,
        completed_at=T0,
    )
    table.upsert(row)
    assert table.get("1", "g-1") == row


def test_rows_from_chat_records_carry_no_sas(
    storage_clients: StorageClients, table_name: str
) -> None:
    from tests.domain.builders import trained

    record = (
        trained()
        .trainings[0]
        .model_copy(update={"archive_url": "https://a/data/1/archive_1.zip?sv=x&sig=SECRET"})
    )
    row = training_row("123456789", record)
    assert (row.training_id, row.replicate_id, row.status) == (
        "abc123xyz",
        "abc123xyz",
        "succeeded",
    )
    assert row.archive_url == "https://a/data/1/archive_1.zip"
    table = TrainingsTable(storage_clients.table_service.get_table_client(table_name))
    table.upsert(row)
    assert table.get("123456789", "abc123xyz") == row
    with pytest.raises(ValueError):
        training_row("1", record.model_copy(update={"training_id": None}))
    generation = GenerationRecord(
        generation_id="g1",
        training_id="abc123xyz",
        prompt="p",
        image_url="https://a/g1.jpg?sig=S",
        created_at=T0,
    )
    assert generation_row("1", generation).image_url == "https://a/g1.jpg"
