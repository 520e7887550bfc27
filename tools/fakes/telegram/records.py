"""What the fake Telegram remembers: messages that reached a chat and every authorised call."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SentMessage:
    method: str
    chat_id: str
    message_id: int
    text: str = ""  # as the chat shows it (Markdown markup removed)
    caption: str = ""
    photo_url: str = ""
    photo_size: tuple[int, int] | None = None  # width, height of the largest size
    photo_source: str = ""  # "url", "upload" or "file_id": how the bot gave the file
    parse_mode: str = ""
    file_name: str = ""
    mime_type: str = ""
    content: bytes = field(default=b"", repr=False, compare=False)  # the photo or document
    result: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def kind(self) -> str:
        return {"sendPhoto": "photo", "sendDocument": "document"}.get(self.method, "text")

    def ledger_json(self) -> dict[str, Any]:
        """The record `GET /_fake/sent` lists: the bytes only by hash and length."""
        return {
            "kind": self.kind,
            "method": self.method,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "text": self.text,
            "caption": self.caption,
            "parse_mode": self.parse_mode,
            "photo_url": self.photo_url,
            "photo_size": list(self.photo_size) if self.photo_size else None,
            "photo_source": self.photo_source,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "content_sha256": hashlib.sha256(self.content).hexdigest() if self.content else None,
            "content_length": len(self.content),
        }


@dataclass(frozen=True)
class Call:
    """Every request that carried a valid token, answered or not."""

    method: str
    chat_id: str
    status: int
