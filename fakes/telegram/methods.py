"""`sendMessage` and `sendPhoto`: Telegram's checks, and the photo download a URL send implies."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import httpx
from PIL import Image, UnidentifiedImageError

from fakes.telegram.protocol import BotApiError
from fakes.telegram.records import SentMessage

if TYPE_CHECKING:
    from fakes.telegram.app import FakeTelegram

MAX_PHOTO_BYTES = 5 * 1024 * 1024  # photos sent by URL
MAX_TEXT = 4096
MAX_CAPTION = 1024


def check_chat(fake: FakeTelegram, chat_id: str) -> None:
    if not chat_id:
        raise BotApiError(400, "Bad Request: chat_id is empty")
    exists = chat_id.lstrip("-").isdigit() and (
        fake.known_chats is None or chat_id in fake.known_chats
    )
    if not exists:
        raise BotApiError(400, "Bad Request: chat not found")
    if chat_id in fake.blocked_chats:
        raise BotApiError(403, "Forbidden: bot was blocked by the user")


def send_message(fake: FakeTelegram, chat_id: str, params: dict[str, Any]) -> SentMessage:
    check_chat(fake, chat_id)
    text = str(params.get("text") or "")
    if not text.strip():
        raise BotApiError(400, "Bad Request: message text is empty")
    if len(text) > MAX_TEXT:
        raise BotApiError(400, "Bad Request: message is too long")
    return SentMessage("sendMessage", chat_id, fake.next_message_id(), text=text)


async def send_photo(fake: FakeTelegram, chat_id: str, params: dict[str, Any]) -> SentMessage:
    check_chat(fake, chat_id)
    photo = str(params.get("photo") or "")
    caption = str(params.get("caption") or "")
    if not photo:
        raise BotApiError(400, "Bad Request: there is no photo in the request")
    if len(caption) > MAX_CAPTION:
        raise BotApiError(400, "Bad Request: message caption is too long")
    if not photo.startswith(("http://", "https://")):
        raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
    size = await download_photo(photo, fake.photo_timeout)
    return SentMessage(
        "sendPhoto",
        chat_id,
        fake.next_message_id(),
        caption=caption,
        photo_url=photo,
        photo_size=size,
    )


async def download_photo(url: str, time_limit: float) -> tuple[int, int]:
    """Like Telegram, fetch the photo before answering: a dead link or non-image fails the send."""
    try:
        async with httpx.AsyncClient(timeout=time_limit) as client:
            response = await client.get(url)
    except httpx.HTTPError:
        raise BotApiError(400, "Bad Request: failed to get HTTP URL content") from None
    if response.status_code != 200 or len(response.content) > MAX_PHOTO_BYTES:
        raise BotApiError(400, "Bad Request: failed to get HTTP URL content")
    try:
        with Image.open(io.BytesIO(response.content)) as image:
            return image.size
    except UnidentifiedImageError:
        raise BotApiError(400, "Bad Request: wrong type of the web page content") from None
