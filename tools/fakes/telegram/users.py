"""Messages a user sends the bot: the `Message` objects Telegram puts in the updates it delivers.

A photo is stored in several sizes, smallest first; an album is photos that share a
`media_group_id`; an image sent "as a file" is a `document`; `/commands` get their entities.
"""

from __future__ import annotations

import itertools
import posixpath
import time
from typing import Any

from tools.fakes.telegram.bot import Bot
from tools.fakes.telegram.methods import document_json
from tools.fakes.telegram.objects import chat, command_entities, sender

# Telegram's media group ids are long decimal strings.
_media_groups = itertools.count(13_700_000_000_000_001)


def new_media_group_id() -> str:
    return str(next(_media_groups))


def base_message(fake: Bot, chat_id: int, from_id: int | None) -> dict[str, Any]:
    return {
        "message_id": fake.next_message_id(),
        "from": sender(from_id if from_id is not None else _member(chat_id)),
        "chat": chat(chat_id),
        "date": int(time.time()),
    }


def photo_message(
    fake: Bot,
    chat_id: int,
    image: bytes,
    caption: str | None,
    media_group_id: str | None,
    from_id: int | None,
) -> dict[str, Any]:
    """Raises `NotAnImage` for bytes Pillow cannot read."""
    sizes = fake.files.add_photo(image)
    message = base_message(fake, chat_id, from_id)
    if media_group_id:
        message["media_group_id"] = media_group_id
    message["photo"] = [s.photo_size_json() for s in sizes]
    _add_caption(message, caption)
    return message


def document_message(
    fake: Bot,
    chat_id: int,
    content: bytes,
    file_name: str,
    mime_type: str,
    caption: str | None,
    from_id: int | None,
) -> dict[str, Any]:
    extension = posixpath.splitext(file_name)[1]
    stored = fake.files.add(content, extension=extension, mime_type=mime_type)
    message = base_message(fake, chat_id, from_id)
    message["document"] = document_json(fake, stored, file_name)
    _add_caption(message, caption)
    return message


def text_message(fake: Bot, chat_id: int, text: str, from_id: int | None) -> dict[str, Any]:
    message = base_message(fake, chat_id, from_id)
    message["text"] = text
    if entities := command_entities(text):
        message["entities"] = entities
    return message


def _add_caption(message: dict[str, Any], caption: str | None) -> None:
    if caption:
        message["caption"] = caption
        if entities := command_entities(caption):
            message["caption_entities"] = entities


def _member(chat_id: int) -> int:
    """Who writes when no sender is named: the user of a private chat, a fixed member in a group."""
    return chat_id if chat_id > 0 else 1_000_001
