"""Steps every workflow shares: call an activity with typed input and output, queue a notification.

The chat record's steps are in `chat_records.py`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeVar

import azure.durable_functions as df
from pydantic import BaseModel

from activities.contracts import Contract, MessageType, SendNotificationInput
from activities.notify import send_notification
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
