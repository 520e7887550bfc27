"""Blob names of the storage layout and Replicate model names, derived from ids only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_CHAT_ID = re.compile(r"^-?[0-9]{1,20}$")
_CHAT_INSTANCE = re.compile(r"chat-?[0-9]{1,20}-(.+)")
_BATCH = re.compile(r"^[a-z0-9]{1,16}$")
# Generation ids come from the orchestrator's new_uuid(); they also name blobs.
_GENERATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# Replicate owners: letters, digits, dash/underscore/period.
_OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# Workflow instance ids (uuid hex from the starters) also name the pending-upload blob.
_INSTANCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

_ARCHIVE = re.compile(r"/archive_(\d{8}_\d{6})\.zip$")

MODEL_PREFIX = "telegram_flux_"


def _stamp(at: datetime) -> str:
    return at.strftime("%Y%m%d_%H%M%S")


def check_chat_id(chat_id: str) -> str:
    """Chat ids name folders: nothing but an optional minus and digits gets through."""
    if not _CHAT_ID.fullmatch(chat_id):
        raise ValueError("chat id must be an optional minus followed by digits")
    return chat_id


def check_generation_id(generation_id: str) -> str:
    if not _GENERATION_ID.fullmatch(generation_id):
        raise ValueError("generation id may hold letters, digits, '-' and '_' only")
    return generation_id


def chat_prefix(chat_id: str) -> str:
    return f"{check_chat_id(chat_id)}/"


def upload_prefix(chat_id: str) -> str:
    return f"{chat_prefix(chat_id)}upload/"


def batch_id(instance_id: str) -> str:
    """A short batch tag from a workflow instance id: the first 8 letters and digits of its
    unique part (after the `chat{chatId}-` prefix; the whole of an older id without it, so
    instances started before the prefix replay to the same names)."""
    prefixed = _CHAT_INSTANCE.fullmatch(instance_id)
    unique = prefixed.group(1) if prefixed else instance_id
    tag = "".join(ch for ch in unique.lower() if ch.isascii() and ch.isalnum())[:8]
    if not tag:
        raise ValueError("instance id has no letters or digits")
    return tag


def upload_blob_name(chat_id: str, at: datetime, batch: str, number: int) -> str:
    """`{chatId}/upload/image_{yyyyMMdd_HHmmss}_{batch}_{NNN}.jpg`.

    `batch` tells apart requests landing in the same second (an album arrives as parallel calls);
    `number` is the image's 1-based position in its request.
    """
    if not _BATCH.fullmatch(batch):
        raise ValueError("batch must be 1-16 lowercase letters or digits")
    if not 1 <= number <= 999:
        raise ValueError("image number must be within 1..999")
    return f"{upload_prefix(chat_id)}image_{_stamp(at)}_{batch}_{number:03d}.jpg"


def face_blob_name(image_blob_name: str) -> str:
    """`{chatId}/faces/{image name}.json`: the embedding of an upload's main face, beside the chat's
    uploads (never listed into records or archives, which come from the chat entity's list)."""
    chat_id, folder, file_name = image_blob_name.split("/")
    if folder != "upload" or not file_name.endswith(".jpg"):
        raise ValueError("not an upload blob name")
    return f"{chat_prefix(check_chat_id(chat_id))}faces/{file_name.removesuffix('.jpg')}.json"


def pending_upload_blob_name(chat_id: str, instance_id: str) -> str:
    """`{chatId}/.pending/{instanceId}.json`: the source URLs of one upload request.

    Telegram file URLs carry the bot token, so they live here, not in the workflow's input; the
    upload workflow deletes the blob when it ends. Nothing lists the chat folder to build
    records or archives (those read the chat entity's image list), so it never shows up there.
    """
    if not _INSTANCE_ID.fullmatch(instance_id):
        raise ValueError("instance id may hold letters, digits, '-' and '_' only")
    return f"{chat_prefix(chat_id)}.pending/{instance_id}.json"


def archive_prefix(chat_id: str) -> str:
    return f"{chat_prefix(chat_id)}archive_"


def archive_blob_name(chat_id: str, at: datetime) -> str:
    return f"{archive_prefix(chat_id)}{_stamp(at)}.zip"


def archive_built_at(name: str) -> datetime | None:
    """When an archive was built, from its name (the workflow's clock, UTC); None if not one."""
    match = _ARCHIVE.search(name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%d_%H%M%S").replace(tzinfo=UTC)


def generated_prefix(chat_id: str) -> str:
    return f"{chat_prefix(chat_id)}generated/"


def generated_image_blob_name(chat_id: str, generation_id: str, attempt: int = 1) -> str:
    """A likeness retry's image (attempt 2) sits beside the first as `{id}.2.jpg`: a dot never
    occurs in a generation id, so it cannot be another generation's image."""
    name = check_generation_id(generation_id)
    return f"{generated_prefix(chat_id)}{name}{'' if attempt == 1 else f'.{attempt}'}.jpg"


def generated_prompt_blob_name(chat_id: str, generation_id: str) -> str:
    return f"{generated_prefix(chat_id)}{check_generation_id(generation_id)}_prompt.txt"


def index_blob_name(chat_id: str) -> str:
    return f"{chat_prefix(chat_id)}index.md"


def model_chat_part(chat_id: str) -> str:
    """The chat id as it appears in a model name.

    Group chats have negative ids; `-100123` maps to `n100123` (a minus would read as a separator).
    Positive ids stay digits, so the mapping is one-to-one and never collides.
    """
    check_chat_id(chat_id)
    return f"n{chat_id[1:]}" if chat_id.startswith("-") else chat_id


def model_slug(chat_id: str, number: int, instance_id: str) -> str:
    """The model's name without the owner: `telegram_flux_{chat}_{n}_{tag}`.

    Replicate keeps a deleted model's name reserved (creating it again is a 409), and numbers
    start at 1 again after a chat is erased; the tag (`batch_id` of the training's instance id)
    keeps every name new. A reserved training keeps the name it was given.
    """
    if number < 1:
        raise ValueError("model number starts at 1")
    return f"{MODEL_PREFIX}{model_chat_part(chat_id)}_{number}_{batch_id(instance_id)}"


def model_name(owner: str, chat_id: str, number: int, instance_id: str) -> str:
    """`{ReplicateOwner}/telegram_flux_{chatId}_{n}_{tag}`, lowercase as Replicate requires."""
    if not _OWNER.fullmatch(owner):
        raise ValueError("Replicate owner must be letters, digits, '-', '_' or '.'")
    return f"{owner.lower()}/{model_slug(chat_id, number, instance_id)}"
