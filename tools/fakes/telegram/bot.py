"""`Bot`: what the Bot API methods and the simulated user read and change of `FakeTelegram`.

Named apart so those modules and the fake that routes to them do not import each other.
"""

from __future__ import annotations

from typing import Any, Protocol

from tools.fakes.telegram.files import FileStore
from tools.fakes.telegram.records import SentMessage
from tools.fakes.telegram.updates import UpdateLog
from tools.fakes.telegram.webhook import WebhookSender


class Bot(Protocol):
    known_chats: frozenset[str] | None
    blocked_chats: frozenset[str]
    photo_timeout: float
    bot_username: str
    bot_name: str
    files: FileStore
    updates: UpdateLog
    sender: WebhookSender

    def next_message_id(self) -> int: ...


class Steerable(Bot, Protocol):
    """What the `/_fake/` control routes steer besides: the ledger, faults and the user."""

    sent: list[SentMessage]

    def fail_next(
        self,
        count: int,
        status: int = 500,
        retry_after: int | None = None,
        method: str | None = None,
    ) -> None: ...
    def sent_to(self, chat_id: str) -> list[SentMessage]: ...
    def sent_message(self, message_id: int) -> SentMessage | None: ...
    # Only what the routes pass, by position; the fake's methods also take a keyword `from_id`.
    def user_sends_photo(
        self, chat_id: int, image: bytes, caption: str | None, group: str | None, /
    ) -> dict[str, Any]: ...
    def user_sends_album(
        self, chat_id: int, images: list[bytes], caption: str | None, /
    ) -> list[dict[str, Any]]: ...
    def user_sends_document(
        self, chat_id: int, content: bytes, name: str, mime: str, caption: str | None, /
    ) -> dict[str, Any]: ...
    def user_sends_text(self, chat_id: int, text: str, /) -> dict[str, Any]: ...
