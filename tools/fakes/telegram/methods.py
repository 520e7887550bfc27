"""The sending methods (`sendMessage`, `sendPhoto`, `sendDocument`, `sendChatAction`): Telegram's
checks, and the download a URL send implies."""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import urlsplit

import httpx

from tools.fakes.telegram.bot import Bot
from tools.fakes.telegram.files import NotAnImage, StoredFile
from tools.fakes.telegram.forms import UploadedFile
from tools.fakes.telegram.markdown import visible_text
from tools.fakes.telegram.protocol import BotApiError
from tools.fakes.telegram.records import SentMessage

MAX_PHOTO_BYTES = 5 * 1024 * 1024  # photos sent by URL
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # photos uploaded
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def check_chat(fake: Bot, chat_id: str) -> None:
    if not chat_id:
        raise BotApiError(400, "Bad Request: chat_id is empty")
    exists = chat_id.lstrip("-").isdigit() and (
        fake.known_chats is None or chat_id in fake.known_chats
    )
    if not exists:
        raise BotApiError(400, "Bad Request: chat not found")
    if chat_id in fake.blocked_chats:
        raise BotApiError(403, "Forbidden: bot was blocked by the user")


def send_message(fake: Bot, chat_id: str, params: dict[str, Any]) -> SentMessage:
    check_chat(fake, chat_id)
    text = str(params.get("text") or "")
    if not text.strip():
        raise BotApiError(400, "Bad Request: message text is empty")
    parse_mode = str(params.get("parse_mode") or "")
    shown = visible_text(text, parse_mode)
    if len(shown) > MAX_TEXT:
        raise BotApiError(400, "Bad Request: message is too long")
    return SentMessage(
        "sendMessage", chat_id, fake.next_message_id(), text=shown, parse_mode=parse_mode
    )


async def send_photo(fake: Bot, chat_id: str, params: dict[str, Any]) -> SentMessage:
    check_chat(fake, chat_id)
    photo = params.get("photo")
    caption, parse_mode = _caption(params)
    if not photo:
        raise BotApiError(400, "Bad Request: there is no photo in the request")
    if isinstance(photo, UploadedFile):
        source, url = "upload", ""
        if len(photo.content) > MAX_UPLOAD_BYTES:
            raise BotApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        sizes = _photo_sizes(fake, photo.content, "Bad Request: IMAGE_PROCESS_FAILED")
    elif str(photo).startswith(("http://", "https://")):
        source, url = "url", str(photo)
        content = await download(url, fake.photo_timeout, MAX_PHOTO_BYTES)
        sizes = _photo_sizes(fake, content, "Bad Request: wrong type of the web page content")
    else:
        source, url = "file_id", ""
        sizes = fake.files.sizes_of(str(photo))
        if not sizes or sizes[-1].width is None:
            raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
    largest = sizes[-1]
    return SentMessage(
        "sendPhoto",
        chat_id,
        fake.next_message_id(),
        caption=caption,
        parse_mode=parse_mode,
        photo_url=url,
        photo_size=(largest.width or 0, largest.height or 0),
        photo_source=source,
        mime_type=largest.mime_type,
        content=largest.content,
        result={"photo": [s.photo_size_json() for s in sizes]},
    )


async def send_document(fake: Bot, chat_id: str, params: dict[str, Any]) -> SentMessage:
    check_chat(fake, chat_id)
    document = params.get("document")
    caption, parse_mode = _caption(params)
    if not document:
        raise BotApiError(400, "Bad Request: there is no document in the request")
    if isinstance(document, UploadedFile):
        source, url = "upload", ""
        stored = fake.files.add(
            document.content,
            extension=posixpath.splitext(document.filename)[1],
            mime_type=document.content_type,
        )
        name = document.filename
    elif str(document).startswith(("http://", "https://")):
        source, url = "url", str(document)
        content = await download(url, fake.photo_timeout, MAX_DOCUMENT_BYTES)
        name = posixpath.basename(urlsplit(url).path) or "file"
        stored = fake.files.add(content, extension=posixpath.splitext(name)[1])
    else:
        source, url = "file_id", ""
        found = fake.files.get(str(document))
        if found is None:
            raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        stored, name = found, posixpath.basename(found.file_path)
    return SentMessage(
        "sendDocument",
        chat_id,
        fake.next_message_id(),
        caption=caption,
        parse_mode=parse_mode,
        photo_url=url,
        photo_source=source,
        file_name=name,
        mime_type=stored.mime_type,
        content=stored.content,
        result={"document": document_json(fake, stored, name)},
    )


def send_chat_action(fake: Bot, chat_id: str, params: dict[str, Any]) -> None:
    check_chat(fake, chat_id)
    if str(params.get("action") or "") not in CHAT_ACTIONS:
        raise BotApiError(400, "Bad Request: wrong parameter action in request")


def document_json(fake: Bot, stored: StoredFile, file_name: str) -> dict[str, Any]:
    """A `Document`; an image gets the thumbnail Telegram makes for it."""
    body: dict[str, Any] = {"file_name": file_name, "mime_type": stored.mime_type}
    thumbnail = fake.files.add_document_thumbnail(stored.content)
    if thumbnail is not None:
        body["thumbnail"] = body["thumb"] = thumbnail.photo_size_json()  # both, as Telegram
    body.update(file_id=stored.file_id, file_unique_id=stored.file_unique_id, file_size=stored.size)
    return body


def _caption(params: dict[str, Any]) -> tuple[str, str]:
    parse_mode = str(params.get("parse_mode") or "")
    caption = visible_text(str(params.get("caption") or ""), parse_mode)
    if len(caption) > MAX_CAPTION:
        raise BotApiError(400, "Bad Request: message caption is too long")
    return caption, parse_mode


def _photo_sizes(fake: Bot, content: bytes, not_an_image: str) -> tuple[StoredFile, ...]:
    try:
        return fake.files.add_photo(content)
    except NotAnImage:
        raise BotApiError(400, not_an_image) from None


async def download(url: str, time_limit: float, max_bytes: int) -> bytes:
    """Like Telegram, fetch the file before answering: a dead link fails the send."""
    try:
        async with httpx.AsyncClient(timeout=time_limit) as client:
            response = await client.get(url)
    except httpx.HTTPError:
        raise BotApiError(400, "Bad Request: failed to get HTTP URL content") from None
    if response.status_code != 200 or len(response.content) > max_bytes:
        raise BotApiError(400, "Bad Request: failed to get HTTP URL content")
    return response.content
