"""What erasing a chat must reach, derived from the chat's id and its record (pure rules).

Workflow instance ids begin with `chat{chatId}-`, so every instance that served a chat is listed
with one `instanceIdPrefix` query. Instances started before that rule (plain uuid ids) are found
from the chat record instead: trainings keep their workflow's id, a generation's id is its
workflow's id, and an upload's batch tag (in its photos' blob names) is the first 8 characters
of its workflow's id, listed by prefix and confirmed by the chat id in the input.
"""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel, ConfigDict

from calendary.domain.chat_state import ChatState
from calendary.domain.paths import check_chat_id

ERASE_TAG = "erase"
RETENTION_TAG = "retention"
_ANY_ERASE = re.compile(rf"chat-?[0-9]{{1,20}}-{ERASE_TAG}-")
_UPLOAD_BATCH = re.compile(r"/upload/image_\d{8}_\d{6}_([a-z0-9]{1,16})_\d{3}\.jpg$")
_RUNNING = {"reserved", "starting", "processing"}


def instance_prefix(chat_id: str) -> str:
    """`chat{chatId}-`: a prefix no other chat's ids share (digits end at the dash)."""
    return f"chat{check_chat_id(chat_id)}-"


def new_instance_id(chat_id: str, unique: str) -> str:
    return f"{instance_prefix(chat_id)}{unique}"


def erase_instance_id(chat_id: str, unique: str) -> str:
    return f"{instance_prefix(chat_id)}{ERASE_TAG}-{unique}"


def is_erase_instance(chat_id: str, instance_id: str) -> bool:
    return instance_id.startswith(f"{instance_prefix(chat_id)}{ERASE_TAG}-")


def retention_instance_id(chat_id: str) -> str:
    """One retention workflow per chat, replaced by the next day's: one history at a time."""
    return f"{instance_prefix(chat_id)}{RETENTION_TAG}"


def is_any_erase_instance(instance_id: str) -> bool:
    """An erase of any chat (its own history is purged once it has finished)."""
    return _ANY_ERASE.match(instance_id) is not None


def chat_hash(chat_id: str) -> str:
    """The audit's stand-in for a chat id: proves an erase for a chat id one already knows."""
    return hashlib.sha256(f"calendary-erasure\n{check_chat_id(chat_id)}".encode()).hexdigest()


class ErasurePlan(BaseModel):
    """Everything of the chat record an erase needs once the record itself is gone."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at the app's import

    legacy_instance_ids: list[str] = []
    legacy_upload_batches: list[str] = []
    model_ids: list[str] = []
    running_training_ids: list[str] = []
    running_prediction_ids: list[str] = []


def plan_erasure(chat: ChatState) -> ErasurePlan:
    prefix = instance_prefix(chat.chat_id)
    ids = [t.instance_id for t in chat.trainings] + [g.generation_id for g in chat.generations]
    batches = {m.group(1) for i in chat.images if (m := _UPLOAD_BATCH.search(i.blob_name))}
    return ErasurePlan(
        legacy_instance_ids=sorted({i for i in ids if not i.startswith(prefix)}),
        legacy_upload_batches=sorted(b for b in batches if len(b) == 8),
        model_ids=sorted({t.model_id for t in chat.trainings}),
        running_training_ids=sorted(
            t.training_id for t in chat.trainings if t.training_id and t.status in _RUNNING
        ),
        running_prediction_ids=sorted(
            g.replicate_id for g in chat.generations if g.replicate_id and g.status == "pending"
        ),
    )
