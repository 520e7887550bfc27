"""Fixtures for the storage tests: clients on Azurite and a blob store in a fresh container."""

from collections.abc import Iterator

import pytest

from calendary.storage.blobs import BlobStore
from calendary.storage.clients import StorageClients, build_storage_clients


@pytest.fixture(scope="session")
def storage_clients(azurite_connection_string: str) -> StorageClients:
    return build_storage_clients(connection_string=azurite_connection_string)


@pytest.fixture
def blob_store(storage_clients: StorageClients, unique_name: str) -> Iterator[BlobStore]:
    storage_clients.blob_service.create_container(unique_name)
    yield BlobStore(storage_clients.blob_service, unique_name)
    storage_clients.blob_service.delete_container(unique_name)
