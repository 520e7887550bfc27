"""The per-chat entity: the single writer of a chat's record (uploads, trainings, generations).

Operations are the pure transitions of `calendary.domain.chat_operations`, each input parsed by
its request model there; the entity adds a revision number so `index.md` renderings of
concurrent workflows can be ordered.
"""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from calendary.domain.chat_boundary import answer_json
from calendary.domain.chat_operations import ERASE, ERASED, apply

bp = df.Blueprint()

ENTITY_NAME = "chat"


def chat_entity(chat_id: str) -> df.EntityId:
    return df.EntityId(ENTITY_NAME, chat_id)


def chat_state_of(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """The chat record inside the entity's stored state (as the durable client reads it)."""
    return (stored or {}).get("chat")


@bp.entity_trigger(context_name="context")
def chat(context: df.DurableEntityContext) -> None:
    stored = context.get_state(dict) or {}
    before = stored.get("chat")
    revision = stored.get("revision", 0)
    if context.operation_name == ERASE.name:  # the whole record goes; a later one starts anew
        # Answered here, without parsing the record: a record that no longer validates goes too.
        context.set_result(answer_json(ERASED, None, revision))
        context.destruct_on_exit()  # after set_result, which marks the entity as existing
        return
    after, result = apply(context.entity_key, before, context.operation_name, context.get_input())
    if after != before:
        revision += 1
        context.set_state({"revision": revision, "chat": after})
    context.set_result(answer_json(result, after, revision))
    if not stored and after is None:  # a read of a chat never seen: set_result marked it
        context.destruct_on_exit()  # as existing; it must stay as it was, absent
