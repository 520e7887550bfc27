"""What the demo reads back from storage: the generated image, index.md, the notifications."""

from __future__ import annotations

import base64
import binascii
import json
import time
from pathlib import Path
from typing import Any

from azure.core.exceptions import AzureError
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueClient

from tools.devstack.demo_api import DemoFailed


def download_blob(connection_string: str, url: str, target: Path, step: str) -> None:
    """Save the blob at `url` (a URL the service handed out, without SAS) to `target`."""
    service = BlobServiceClient.from_connection_string(connection_string)
    prefix = service.url if service.url.endswith("/") else service.url + "/"
    if not url.startswith(prefix):
        raise DemoFailed(step, f"{url} is not in the storage account at {prefix}")
    container, _, name = url[len(prefix) :].partition("/")
    try:
        data = service.get_blob_client(container, name).download_blob().readall()
    except AzureError as exc:
        raise DemoFailed(step, f"cannot read {url}: {type(exc).__name__}") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _decode(content: str) -> dict[str, Any] | None:
    """Messages are Base64 JSON (host.json `messageEncoding`); plain JSON is accepted too."""
    for text in (content, _b64(content)):
        try:
            body = json.loads(text) if text else None
        except ValueError:
            continue
        if isinstance(body, dict):
            return body
    return None


def _b64(content: str) -> str | None:
    try:
        return base64.b64decode(content, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def take_notifications(
    connection_string: str, queue: str, user_id: str, expected: int, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """Read and delete this chat's notifications, as N8N does once it has sent them to Telegram;
    other chats' messages are made visible again at once."""
    client = QueueClient.from_connection_string(connection_string, queue)
    ours: list[tuple[Any, dict[str, Any]]] = []  # (inserted_on, body)
    deadline = time.monotonic() + timeout
    try:
        while True:
            others = []
            for message in client.receive_messages(messages_per_page=32, visibility_timeout=30):
                body = _decode(message.content)
                if body is not None and str(body.get("userId")) == user_id:
                    ours.append((message.inserted_on, body))
                    client.delete_message(message)
                else:
                    others.append(message)
            for message in others:
                client.update_message(message, visibility_timeout=0)
            if len(ours) >= expected or time.monotonic() > deadline:
                return [body for _, body in sorted(ours, key=lambda pair: pair[0])]
            time.sleep(0.3)
    except AzureError as exc:
        raise DemoFailed("notifications", f"cannot read queue {queue}: {exc}") from exc
