"""A dependency down answers 503 with the envelope (the caller retries), never the host's bare 500,
and the answer names no address or key."""

from __future__ import annotations

from pydantic import SecretStr

from api.failures import UNAVAILABLE
from tests.e2e.stack import Stack
from tools.devstack import azurite


def test_storage_unreachable_answers_503_and_nothing_starts(stack: Stack, chat_id: str) -> None:
    closed = azurite.free_ports()  # nothing listens there: every storage request is refused
    with stack.reconfigure(storage_connection_string=SecretStr(closed.connection_string)):
        answer = stack.post("UploadImages", {"userId": chat_id, "imageUrls": [stack.photo_url(1)]})
    assert answer.status_code == 503, answer.text
    # the whole body is the fixed text: no address, account key or exception message
    assert answer.json() == {"success": False, "data": None, "error": UNAVAILABLE}
    # the upload stopped before it stored the photo list or started its workflow
    assert list(stack.container.list_blobs(name_starts_with=f"{chat_id}/")) == []
    assert stack.upload(chat_id, [1])["imageCount"] == 1  # storage back: the same request works
