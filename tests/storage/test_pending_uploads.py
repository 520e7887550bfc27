"""The pending-upload blob: URLs read back by index; a missing one names no URL."""

import pytest

from calendary.storage.blobs import BlobStore
from calendary.storage.pending_uploads import PendingUrlMissing, load_url, save_urls

URLS = ["https://api.telegram.org/file/bot1:AAA/photos/a.jpg", "https://example.org/b.png"]


def test_urls_are_read_back_by_index(blob_store: BlobStore) -> None:
    save_urls(blob_store, "1/.pending/abc.json", URLS)
    assert load_url(blob_store, "1/.pending/abc.json", 0) == URLS[0]
    assert load_url(blob_store, "1/.pending/abc.json", 1) == URLS[1]


def test_a_missing_blob_or_index_names_no_url(blob_store: BlobStore) -> None:
    save_urls(blob_store, "1/.pending/abc.json", URLS)
    with pytest.raises(PendingUrlMissing) as out_of_range:
        load_url(blob_store, "1/.pending/abc.json", 2)
    blob_store.delete("1/.pending/abc.json")
    with pytest.raises(PendingUrlMissing) as gone:
        load_url(blob_store, "1/.pending/abc.json", 0)
    for error in (out_of_range.value, gone.value):
        assert "telegram" not in str(error) and "bot1" not in str(error)
