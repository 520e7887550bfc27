"""Steps every workflow shares: change the chat record (and its index.md), queue a notification."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeVar

import azure.durable_functions as df
from pydantic import BaseModel

from activities.chat_record import write_index
from activities.contracts import (
    Contract,
    MessageType,
    SendNotificationInput,
    WriteIndexInput,
)
from activities.notify import send_notification
from entities.chat import chat_entity
from orchestrators import policies

R = TypeVar("R", bound=BaseModel)


def run(
    context: df.DurableOrchestrationContext,
    activity: Any,
    policy: df.RetryOptions,
    request: Contract,
    result: type[R],
) -> Generator[Any, Any, R]:
    """Call one activity with its retry policy; its JSON answer comes back as `result`."""
    answer = yield context.call_activity_with_retry(activity, policy, request.dump())
    return result.model_validate(answer)


def read_chat(
    context: df.DurableOrchestrationContext, chat_id: str
) -> Generator[Any, Any, dict[str, Any]]:
    outcome = yield context.call_entity(chat_entity(chat_id), "get")
    return outcome["state"]


def change_chat(
    context: df.DurableOrchestrationContext, chat_id: str, operation: str, payload: dict[str, Any]
) -> Generator[Any, Any, dict[str, Any]]:
    """Apply one chat-entity operation, then render index.md from the record it left; the
    entity's whole answer: `result`, `state` and `revision`."""
    outcome = yield context.call_entity(chat_entity(chat_id), operation, payload)
    page = WriteIndexInput(chat_id=chat_id, state=outcome["state"], revision=outcome["revision"])
    yield context.call_activity_with_retry(write_index, policies.STORAGE, page.dump())
    return outcome


def update_chat(
    context: df.DurableOrchestrationContext, chat_id: str, operation: str, payload: dict[str, Any]
) -> Generator[Any, Any, dict[str, Any]]:
    """`change_chat`, answering the operation's result only."""
    outcome = yield from change_chat(context, chat_id, operation, payload)
    return outcome["result"]


def notify(
    context: df.DurableOrchestrationContext,
    chat_id: str,
    message_type: MessageType,
    details: dict[str, Any],
    image_blob: str | None = None,
) -> Generator[Any, Any, None]:
    message = SendNotificationInput(
        chat_id=chat_id, message_type=message_type, details=details, image_blob=image_blob
    )
    yield context.call_activity_with_retry(send_notification, policies.STORAGE, message.dump())
