"""Storage clients: the development shorthand reaches Azurite; setup is idempotent; with storage
down a call is retried at most once in place."""

from collections.abc import Callable, Iterator

import pytest
from azure.core.exceptions import ServiceRequestError

from calendary.settings import Settings
from calendary.storage.clients import (
    CHUNK_BYTES,
    DEVELOPMENT_CONNECTION_STRING,
    IN_PLACE_RETRIES,
    StorageClients,
    build_storage_clients,
    ensure_storage,
    expand_connection_string,
    storage_clients_from_settings,
)
from tools.devstack import azurite


@pytest.fixture(scope="module")
def well_known_azurite() -> Iterator[None]:
    """The shorthand always means the emulator's well-known ports 10000-10002, unlike the session's
    own Azurite on free ports: reuse one listening there, else start one for this module."""
    if azurite.is_running():
        yield
        return
    process = azurite.start()
    try:
        yield
    finally:
        azurite.stop(process)


def test_development_shorthand_expands_to_the_emulator() -> None:
    assert expand_connection_string("UseDevelopmentStorage=true") == DEVELOPMENT_CONNECTION_STRING
    assert expand_connection_string("usedevelopmentstorage=true;") == DEVELOPMENT_CONNECTION_STRING
    assert expand_connection_string("AccountName=x") == "AccountName=x"


def test_shorthand_reaches_azurite(well_known_azurite: None, unique_name: str) -> None:
    settings = Settings(AzureWebJobsStorage="UseDevelopmentStorage=true")
    clients = storage_clients_from_settings(settings)
    ensure_storage(clients, container=unique_name, tables=(unique_name,), queue=unique_name)
    try:
        names = [c.name for c in clients.blob_service.list_containers()]
        assert unique_name in names
    finally:
        clients.blob_service.delete_container(unique_name)
        clients.table_service.delete_table(unique_name)
        clients.queue_service.delete_queue(unique_name)


def test_ensure_storage_is_idempotent_and_creates_everything(
    azurite_connection_string: str, unique_name: str
) -> None:
    clients = build_storage_clients(connection_string=azurite_connection_string)
    tables = (unique_name + "a", unique_name + "b")
    try:
        ensure_storage(clients, container=unique_name, tables=tables, queue=unique_name)
        # A second process building its own clients must not fail on what exists.
        fresh = build_storage_clients(connection_string=azurite_connection_string)
        ensure_storage(fresh, container=unique_name, tables=tables, queue=unique_name + "x")
        assert clients.blob_service.get_container_client(unique_name).exists()
        listed = {t.name for t in clients.table_service.list_tables()}
        assert set(tables) <= listed
        assert clients.queue_service.get_queue_client(unique_name).get_queue_properties()
    finally:
        clients.blob_service.delete_container(unique_name)
        for t in tables:
            clients.table_service.delete_table(t)
        clients.queue_service.delete_queue(unique_name)
        clients.queue_service.delete_queue(unique_name + "x")


def test_identity_clients_use_https_endpoints_and_small_chunks() -> None:
    class NoToken:  # never asked: building clients makes no request
        def get_token(self, *scopes: str, **kwargs: object) -> None:
            raise AssertionError("no token needed to build clients")

    clients = build_storage_clients(account_name="acct", credential=NoToken())  # type: ignore[arg-type]
    assert clients.uses_identity
    assert clients.blob_service.url == "https://acct.blob.core.windows.net/"
    assert clients.table_service.url.startswith("https://acct.table.core.windows.net")
    assert clients.queue_service.url == "https://acct.queue.core.windows.net/"
    config = clients.blob_service._config
    assert config.max_block_size == config.max_single_put_size == CHUNK_BYTES
    assert config.max_chunk_get_size == config.max_single_get_size == CHUNK_BYTES


FAILING_CALLS: dict[str, Callable[[StorageClients], object]] = {
    "blob": lambda c: c.blob_service.get_container_client("c").get_container_properties(),
    "queue": lambda c: c.queue_service.get_queue_client("q").get_queue_properties(),
    "table": lambda c: c.table_service.get_table_client("t").get_entity("p", "r"),
}


@pytest.mark.parametrize("service", sorted(FAILING_CALLS))
def test_storage_down_costs_one_in_place_retry(service: str) -> None:
    """Durable's STORAGE policy is the retry layer: in place a call is sent at most twice."""
    sent: list[str] = []
    stopped = azurite.free_ports().connection_string  # Azurite stopped: every port refuses
    clients = build_storage_clients(
        connection_string=stopped,
        client_options={"raw_request_hook": lambda request: sent.append(request.http_request.url)},
    )
    with pytest.raises(ServiceRequestError):
        FAILING_CALLS[service](clients)
    assert len(sent) == 1 + IN_PLACE_RETRIES == 2
    assert len(set(sent)) == 1
