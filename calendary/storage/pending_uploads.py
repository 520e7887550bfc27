"""The source URLs of one upload request, kept in a private blob instead of workflow inputs.

Telegram file URLs carry the bot token. Durable persists every orchestration and activity input
in the task hub and shows it through the status API, so the URLs travel by blob name only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from calendary.storage.blobs import BlobNotFound, BlobStore


class PendingUrlMissing(LookupError):
    """The pending blob is gone or has no URL at that index (never the URL itself)."""


def save_urls(blobs: BlobStore, blob_name: str, urls: Sequence[str]) -> None:
    body = json.dumps({"urls": list(urls)}, separators=(",", ":")).encode()
    blobs.put(blob_name, body, content_type="application/json")


def load_url(blobs: BlobStore, blob_name: str, index: int) -> str:
    try:
        urls = json.loads(blobs.get_bytes(blob_name))["urls"]
    except BlobNotFound:
        raise PendingUrlMissing(f"pending upload {blob_name} is gone") from None
    if not 0 <= index < len(urls):
        raise PendingUrlMissing(f"pending upload {blob_name} has no image {index}")
    return str(urls[index])
