"""What the fake Telegram remembers: messages that reached a chat and every authorised call."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SentMessage:
    method: str
    chat_id: str
    message_id: int
    text: str = ""
    caption: str = ""
    photo_url: str = ""
    photo_size: tuple[int, int] | None = None


@dataclass(frozen=True)
class Call:
    """Every request that carried a valid token, answered or not."""

    method: str
    chat_id: str
    status: int
