"""The storage emulator the whole suite relies on answers all three services."""

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient


def test_blob_table_and_queue_round_trip(azurite_connection_string: str, unique_name: str) -> None:
    blobs = BlobServiceClient.from_connection_string(azurite_connection_string)
    container = blobs.create_container(unique_name)
    container.upload_blob("hello.txt", b"hello azurite")
    assert container.download_blob("hello.txt").readall() == b"hello azurite"

    tables = TableServiceClient.from_connection_string(azurite_connection_string)
    table = tables.create_table(unique_name)
    table.upsert_entity({"PartitionKey": "p", "RowKey": "r", "n": 2})
    assert table.get_entity("p", "r")["n"] == 2

    queues = QueueServiceClient.from_connection_string(azurite_connection_string)
    queue = queues.create_queue(unique_name)
    queue.send_message("msg-1")
    assert [m.content for m in queue.receive_messages()] == ["msg-1"]
