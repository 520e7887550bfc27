"""The blob store on Azurite: put, get, list, delete, first write wins, streaming, plain URLs."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from calendary.storage.blobs import BlobNotFound, BlobStore


def test_put_get_list_delete(blob_store: BlobStore) -> None:
    assert blob_store.put("1/upload/a.jpg", b"aaa", content_type="image/jpeg")
    assert blob_store.put("1/upload/b.jpg", b"bbbb")
    assert blob_store.put("1/index.md", b"# Chat 1\n")
    assert blob_store.get_bytes("1/upload/a.jpg") == b"aaa"
    assert blob_store.get_bytes("1/index.md") == b"# Chat 1\n"
    listed = blob_store.list_prefix("1/upload/")
    assert [(b.name, b.size) for b in listed] == [("1/upload/a.jpg", 3), ("1/upload/b.jpg", 4)]
    assert blob_store.delete("1/upload/a.jpg")
    assert not blob_store.delete("1/upload/a.jpg")
    assert not blob_store.exists("1/upload/a.jpg")
    with pytest.raises(BlobNotFound):
        blob_store.get_bytes("1/upload/a.jpg")


def test_put_if_not_exists_keeps_the_first_write(blob_store: BlobStore) -> None:
    assert blob_store.put("x.txt", b"first", overwrite=False)
    assert not blob_store.put("x.txt", b"second", overwrite=False)
    assert blob_store.get_bytes("x.txt") == b"first"
    assert blob_store.put("x.txt", b"third")
    assert blob_store.get_bytes("x.txt") == b"third"


def test_a_large_blob_round_trips_in_blocks(blob_store: BlobStore) -> None:
    data = bytes(range(256)) * (9 * 1024 * 1024 // 256 + 17)
    blob_store.put("big.bin", data)
    assert blob_store.size("big.bin") == len(data)
    assert blob_store.get_bytes("big.bin") == data


def test_plain_url_has_no_sas_and_sas_url_is_read_only(blob_store: BlobStore) -> None:
    blob_store.put("1/generated/g 1.jpg", b"jpeg")
    plain = blob_store.url("1/generated/g 1.jpg")
    assert "?" not in plain
    assert plain.endswith(f"/{blob_store.container}/1/generated/g%201.jpg")
    assert httpx.get(plain).status_code in (403, 404)  # private container

    link = blob_store.read_sas_url("1/generated/g 1.jpg", ttl=timedelta(minutes=5))
    query = parse_qs(urlsplit(link).query)
    assert query["sp"] == ["r"]
    assert "sig" in query
    assert httpx.get(link).content == b"jpeg"
    assert httpx.put(link, content=b"x", headers={"x-ms-blob-type": "BlockBlob"}).status_code == 403
