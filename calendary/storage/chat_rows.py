"""Deleting every row of one chat from a table whose PartitionKey is the chat id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calendary.storage import azure_names as az

# The SDK is imported where it is used, so it loads on first use, not when the app is indexed.
if TYPE_CHECKING:
    from azure.data.tables import TableClient


def delete_partition(table: TableClient, chat_id: str) -> int:
    """Delete the chat's rows; a table that does not exist holds none. Idempotent."""
    deleted = 0
    try:
        rows = list(
            table.query_entities(
                "PartitionKey eq @chat", parameters={"chat": chat_id}, select=["RowKey"]
            )
        )
    except az.ResourceNotFoundError:
        return 0
    for row in rows:
        try:
            table.delete_entity(chat_id, row["RowKey"])
        except az.ResourceNotFoundError:
            continue
        deleted += 1
    return deleted
