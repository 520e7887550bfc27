"""Output files the fake keeps for `/delivery/<token>/<name>`, each under an unguessable token."""

from __future__ import annotations

import secrets
from dataclasses import dataclass


@dataclass
class StoredFile:
    content: bytes
    content_type: str
    created_at: float


class FileStore:
    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}

    def store(self, name: str, content: bytes, content_type: str, origin: str, now: float) -> str:
        """Keep `content`; its URL on `origin` carries an unguessable token, like Replicate's."""
        token = secrets.token_urlsafe(16)
        self._files[token] = StoredFile(content, content_type, now)
        return f"{origin}/delivery/{token}/{name}"

    def get(self, token: str) -> StoredFile | None:
        return self._files.get(token)
