"""The Durable idiom for long work: wait a bounded time, then hand out the status URLs."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import timedelta

import azure.durable_functions as df
import azure.functions as func

from api.envelope import respond
from calendary.domain.responses import AcceptedData, success

FINISHED = {
    df.OrchestrationRuntimeStatus.Completed,
    df.OrchestrationRuntimeStatus.Failed,
    df.OrchestrationRuntimeStatus.Terminated,
    df.OrchestrationRuntimeStatus.Canceled,
}


async def wait_for(
    client: df.DurableOrchestrationClient,
    instance_id: str,
    limit: timedelta,
    ready: Callable[[df.DurableOrchestrationStatus], bool] = lambda s: False,
) -> df.DurableOrchestrationStatus | None:
    """Poll until the instance finished or `ready(status)`; None when the time is up."""
    deadline = time.monotonic() + limit.total_seconds()
    pause = 0.05
    while True:
        status = await client.get_status(instance_id)
        if status and (status.runtime_status in FINISHED or ready(status)):
            return status
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        await asyncio.sleep(min(pause, left))
        pause = min(pause * 2, 1.0)


def accepted(
    client: df.DurableOrchestrationClient,
    req: func.HttpRequest,
    instance_id: str,
    **known: str | None,
) -> func.HttpResponse:
    """202 with the check-status payload (on the caller's origin) plus the ids already known."""
    links = json.loads(client.create_check_status_response(req, instance_id).get_body())
    data = AcceptedData.model_validate({**links, **known})
    headers = {"Location": links["statusQueryGetUri"], "Retry-After": "10"}
    return respond(202, success(data), headers)
