"""Deleting a chat's rows, all or the named ones, from a table keyed by chat id (PartitionKey)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from calendary.storage import azure_names as az

# The SDK is imported where it is used, so it loads on first use, not when the app is indexed.
if TYPE_CHECKING:
    from azure.data.tables import TableClient


def delete_partition(table: TableClient, chat_id: str, only: Collection[str] | None = None) -> int:
    """Delete the chat's rows (with `only`, those whose RowKey it names); a table that does not
    exist holds none. Idempotent: rows are listed first, so a retry counts only what was left."""
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
        if only is not None and row["RowKey"] not in only:
            continue
        try:
            table.delete_entity(chat_id, row["RowKey"])
        except az.ResourceNotFoundError:
            continue
        deleted += 1
    return deleted
