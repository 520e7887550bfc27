"""Reading a chat's record from the HTTP side, through the durable client (read-only)."""

from __future__ import annotations

import azure.durable_functions as df

from calendary.domain.chat_state import ChatState
from entities.chat import chat_entity, chat_state_of


async def read_chat(client: df.DurableOrchestrationClient, chat_id: str) -> ChatState:
    """The chat entity's last saved record; an empty record for a chat never seen."""
    response = await client.read_entity_state(chat_entity(chat_id))
    state = chat_state_of(response.entity_state) if response.entity_exists else None
    return ChatState.model_validate(state) if state else ChatState(chat_id=chat_id)
