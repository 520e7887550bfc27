"""Blob, Table and Queue service clients from a connection string or a managed identity."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.exceptions import ResourceExistsError
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.blob import LinearRetry as BlobLinearRetry
from azure.storage.queue import LinearRetry as QueueLinearRetry
from azure.storage.queue import QueueServiceClient

from calendary.settings import Settings

# Transfers move in 4 MiB pieces, so memory per transfer stays bounded whatever the blob size.
CHUNK_BYTES = 4 * 1024 * 1024
_BLOB_TRANSFER_OPTIONS: dict[str, int] = {
    "max_single_put_size": CHUNK_BYTES,
    "max_block_size": CHUNK_BYTES,
    "max_single_get_size": CHUNK_BYTES,
    "max_chunk_get_size": CHUNK_BYTES,
}

# One retry layer per call: Durable's STORAGE policy (for HTTP functions the caller, for the queue
# trigger the queue's redelivery) retries; in place a client retries at most once, to absorb one
# dropped connection or 503 without spending a whole attempt. With the SDK defaults (blob and
# queue: 3 retries 18, 24, 42 s apart) one failing STORAGE step took ~15 minutes.
IN_PLACE_RETRIES = 1
# Blob and queue wait 0-2 s before that retry; azure-core's policy (tables) retries at once.
_STORAGE_RETRY: dict[str, int] = {
    "retry_total": IN_PLACE_RETRIES,
    "backoff": 1,
    "random_jitter_range": 1,
}


def _blob_options(extra: dict[str, Any]) -> dict[str, Any]:
    return {**_BLOB_TRANSFER_OPTIONS, "retry_policy": BlobLinearRetry(**_STORAGE_RETRY), **extra}


def _queue_options(extra: dict[str, Any]) -> dict[str, Any]:
    return {"retry_policy": QueueLinearRetry(**_STORAGE_RETRY), **extra}


def _table_options(extra: dict[str, Any]) -> dict[str, Any]:
    return {"retry_total": IN_PLACE_RETRIES, **extra}


# The emulator's published well-known account (not a secret), for `UseDevelopmentStorage=true`.
_DEV_ACCOUNT = "devstoreaccount1"
_DEV_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
DEVELOPMENT_CONNECTION_STRING = (
    f"DefaultEndpointsProtocol=http;AccountName={_DEV_ACCOUNT};AccountKey={_DEV_KEY};"
    f"BlobEndpoint=http://127.0.0.1:10000/{_DEV_ACCOUNT};"
    f"QueueEndpoint=http://127.0.0.1:10001/{_DEV_ACCOUNT};"
    f"TableEndpoint=http://127.0.0.1:10002/{_DEV_ACCOUNT};"
)


def expand_connection_string(value: str) -> str:
    """The SDKs do not all understand the `UseDevelopmentStorage=true` shorthand; spell it out."""
    if value.strip().rstrip(";").lower() == "usedevelopmentstorage=true":
        return DEVELOPMENT_CONNECTION_STRING
    return value


@dataclass(frozen=True)
class StorageClients:
    blob_service: BlobServiceClient
    table_service: TableServiceClient
    queue_service: QueueServiceClient
    uses_identity: bool


def build_storage_clients(
    *,
    connection_string: str | None = None,
    account_name: str | None = None,
    credential: TokenCredential | None = None,
    client_options: dict[str, Any] | None = None,
) -> StorageClients:
    """A connection string (Azurite, key-based accounts) wins; else identity on `account_name`.

    `client_options` go to all three clients (e.g. `raw_request_hook`, `transport`): the test seam.
    """
    extra = client_options or {}
    if connection_string:
        conn = expand_connection_string(connection_string)
        return StorageClients(
            blob_service=BlobServiceClient.from_connection_string(conn, **_blob_options(extra)),
            table_service=TableServiceClient.from_connection_string(conn, **_table_options(extra)),
            queue_service=QueueServiceClient.from_connection_string(conn, **_queue_options(extra)),
            uses_identity=False,
        )
    if not account_name:
        raise ValueError("set AzureWebJobsStorage or AzureWebJobsStorage__accountName")
    if credential is None:
        from azure.identity import DefaultAzureCredential  # imported only where identity is used

        credential = DefaultAzureCredential()
    return StorageClients(
        blob_service=BlobServiceClient(
            f"https://{account_name}.blob.core.windows.net",
            credential=credential,
            **_blob_options(extra),
        ),
        table_service=TableServiceClient(
            f"https://{account_name}.table.core.windows.net",
            credential=credential,
            **_table_options(extra),
        ),
        queue_service=QueueServiceClient(
            f"https://{account_name}.queue.core.windows.net",
            credential=credential,
            **_queue_options(extra),
        ),
        uses_identity=True,
    )


def storage_clients_from_settings(settings: Settings) -> StorageClients:
    conn = settings.storage_connection_string
    return build_storage_clients(
        connection_string=conn.get_secret_value() if conn else None,
        account_name=settings.storage_account_name,
    )


_ensured: set[tuple[str, ...]] = set()
_ensure_lock = threading.Lock()


def ensure_storage(
    clients: StorageClients, *, container: str, tables: tuple[str, ...], queue: str
) -> None:
    """Create the container, tables and queue if missing. Idempotent; works once a process."""
    key = (clients.blob_service.url, container, *tables, queue)
    with _ensure_lock:
        if key in _ensured:
            return
        with contextlib.suppress(ResourceExistsError):
            clients.blob_service.create_container(container)
        for table in tables:
            clients.table_service.create_table_if_not_exists(table)
        with contextlib.suppress(ResourceExistsError):
            clients.queue_service.create_queue(queue)
        _ensured.add(key)
