"""Starting a workflow under an id that a concurrent request may have started just now.

The durable client (azure-functions-durable) raises a bare `Exception` for every answer of the
extension that is not 2xx, the answer's parsed JSON body as its argument, and lets connection
errors through. The extension answers a start for an id whose instance is Pending or Running
with 409 and `{"Message": "An Orchestration instance with the status Running already exists."}`
(HttpApiHandler catching OrchestrationAlreadyExistsException); for an id in a final state it
replaces the instance and answers 202, as the local host does for any existing id.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import azure.durable_functions as df

_ALREADY_EXISTS = re.compile(r"An Orchestration instance with the status \w+ already exists")


class DurableUnavailable(Exception):
    """The task hub refused the start for another reason (its storage failing, say) or could not
    be reached: worth trying again later."""


def already_started(error: BaseException) -> bool:
    """The client's error for a start refused because the instance is Pending or Running."""
    if type(error) is not Exception or len(error.args) != 1:
        return False
    body = error.args[0]
    message = body.get("Message") if isinstance(body, dict) else body
    return isinstance(message, str) and _ALREADY_EXISTS.search(message) is not None


async def start_unless_running(
    client: df.DurableOrchestrationClient, name: str, instance_id: str, job: dict[str, Any]
) -> bool:
    """Start `name` as `instance_id`; False when it is already Pending or Running."""
    try:
        await client.start_new(name, instance_id, job)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise DurableUnavailable(
            f"the task hub could not be reached ({type(exc).__name__})"
        ) from exc
    except Exception as exc:  # the client raises no narrower type; `already_started` tells
        if already_started(exc):
            return False
        if type(exc) is Exception:  # an answer that is not 2xx; its body is not ours to repeat
            raise DurableUnavailable(f"the task hub refused to start {name}") from exc
        raise
    return True
