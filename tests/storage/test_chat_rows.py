"""Deleting a chat's rows on Azurite: all of them, or only the named ones, counted once."""

from collections.abc import Iterator

import pytest
from azure.data.tables import TableClient

from calendary.storage.chat_rows import delete_partition
from calendary.storage.clients import StorageClients


@pytest.fixture
def table(storage_clients: StorageClients, unique_name: str) -> Iterator[TableClient]:
    storage_clients.table_service.create_table(unique_name)
    client = storage_clients.table_service.get_table_client(unique_name)
    for chat, row in [("1", "a"), ("1", "b"), ("1", "c"), ("2", "a")]:
        client.upsert_entity({"PartitionKey": chat, "RowKey": row})
    yield client
    storage_clients.table_service.delete_table(unique_name)


def _keys(table: TableClient) -> set[tuple[str, str]]:
    return {(e["PartitionKey"], e["RowKey"]) for e in table.list_entities()}


def test_only_the_named_rows_of_the_chat_go_and_a_rerun_counts_nothing(table: TableClient) -> None:
    assert delete_partition(table, "1", only={"a", "c", "zz"}) == 2
    assert _keys(table) == {("1", "b"), ("2", "a")}
    assert delete_partition(table, "1", only={"a", "c"}) == 0


def test_without_names_every_row_of_the_chat_goes(table: TableClient) -> None:
    assert delete_partition(table, "1") == 3
    assert _keys(table) == {("2", "a")}


def test_a_missing_table_holds_none(storage_clients: StorageClients, unique_name: str) -> None:
    missing = storage_clients.table_service.get_table_client(unique_name)
    assert delete_partition(missing, "1", only={"a"}) == 0
