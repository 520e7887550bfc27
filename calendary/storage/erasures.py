"""The `Erasures` audit table: one row per finished erase, with no personal data.

PartitionKey is the hashed chat id (`calendary.domain.erasure.chat_hash`), RowKey the erase's
own key (not its workflow id, which holds the chat id); the rest are times, counts per kind
and the outcome.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

# The SDK is imported where it is used, so it loads on first use, not when the app is indexed.
if TYPE_CHECKING:
    from azure.data.tables import TableClient


def record_erasure(
    table: TableClient,
    *,
    chat_hash: str,
    erasure_id: str,
    started_at: datetime,
    finished_at: datetime,
    counts: dict[str, int],
    outcome: str,
) -> None:
    """Upsert: recording the same erase twice leaves one row."""
    from azure.data.tables import (
        UpdateMode,
    )

    entity: dict[str, object] = {
        "PartitionKey": chat_hash,
        "RowKey": erasure_id,
        "StartedAt": started_at,
        "FinishedAt": finished_at,
        "Outcome": outcome,
    }
    entity |= {name[:1].upper() + name[1:]: count for name, count in sorted(counts.items())}
    table.upsert_entity(entity, mode=UpdateMode.REPLACE)
