"""The training archive: uploads stored uncompressed, identical on rebuild, bad sources refused."""

import io
import os
import zipfile
from datetime import UTC, datetime

import pytest

from calendary.domain import paths
from calendary.storage.archive import ArchiveBuilder
from calendary.storage.blobs import BlobStore
from calendary.storage.clients import StorageClients

AT = datetime(2025, 1, 14, 10, 35, 0, tzinfo=UTC)


def _upload(store: BlobStore, sizes: list[int]) -> dict[str, bytes]:
    files = {}
    for n, size in enumerate(sizes, start=1):
        name = paths.upload_blob_name("77", AT, "b", n)
        files[name] = os.urandom(size)
        store.put(name, files[name], content_type="image/jpeg")
    return files


def test_archive_holds_every_upload_stored_not_compressed(
    storage_clients: StorageClients, blob_store: BlobStore
) -> None:
    files = _upload(blob_store, [10, 300_000, 5 * 1024 * 1024 + 3, 0, 1_000_000, 64])
    container = storage_clients.blob_service.get_container_client(blob_store.container)
    builder = ArchiveBuilder(container, block_size=1024 * 1024)  # many blocks, odd boundaries
    name = paths.archive_blob_name("77", AT)
    result = builder.build(name, list(reversed(files)), AT)

    data = blob_store.get_bytes(name)
    assert (result.blob_name, result.image_count, result.size_bytes) == (name, 6, len(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [i.filename for i in infos] == [n.rsplit("/", 1)[1] for n in sorted(files)]
        assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
        assert {i.date_time for i in infos} == {(2025, 1, 14, 10, 35, 0)}
        for blob_name, content in files.items():
            assert archive.read(blob_name.rsplit("/", 1)[1]) == content


def test_rebuilding_gives_identical_bytes_and_reuses_a_finished_archive(
    storage_clients: StorageClients, blob_store: BlobStore
) -> None:
    files = _upload(blob_store, [2_000_000, 3_000_000, 123])
    container = storage_clients.blob_service.get_container_client(blob_store.container)
    builder = ArchiveBuilder(container, block_size=1024 * 1024)
    name = paths.archive_blob_name("77", AT)
    first = builder.build(name, list(files), AT)
    first_bytes = blob_store.get_bytes(name)
    etag = container.get_blob_client(name).get_blob_properties().etag

    again = builder.build(name, list(files), AT)
    assert again == first
    assert container.get_blob_client(name).get_blob_properties().etag == etag  # not rewritten

    blob_store.delete(name)
    rebuilt = builder.build(name, list(files), AT)
    assert rebuilt == first
    assert blob_store.get_bytes(name) == first_bytes

    # Different sources under the same name: rebuilt, not mistaken for the old archive.
    fewer = builder.build(name, sorted(files)[:2], AT)
    assert fewer.image_count == 2
    assert fewer.size_bytes < first.size_bytes


def test_archive_refuses_empty_or_clashing_sources(
    storage_clients: StorageClients, blob_store: BlobStore
) -> None:
    container = storage_clients.blob_service.get_container_client(blob_store.container)
    builder = ArchiveBuilder(container)
    with pytest.raises(ValueError, match="at least one"):
        builder.build("77/archive.zip", [], AT)
    with pytest.raises(ValueError, match="file name"):
        builder.build("77/archive.zip", ["77/upload/a.jpg", "78/upload/a.jpg"], AT)
