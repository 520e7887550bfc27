"""The Durable idiom for long work: wait a bounded time, then hand out where to follow it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote, urlsplit

import azure.durable_functions as df
import azure.functions as func

from api import routes
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


def accepted(req: func.HttpRequest, instance_id: str, **known: str | None) -> func.HttpResponse:
    """202 with this service's status link (on the caller's origin) plus the ids already known.

    Not `create_check_status_response`: its links carry the Durable system key in Azure.
    """
    link = status_link(req, instance_id)
    data = AcceptedData(id=instance_id, status_query_get_uri=link, **known)
    return respond(202, success(data), {"Location": link, "Retry-After": "10"})


def status_link(req: func.HttpRequest, instance_id: str) -> str:
    url = urlsplit(req.url)
    path = routes.INSTANCE_STATUS.path.replace("{instanceId}", quote(instance_id, safe=""))
    return f"{url.scheme}://{url.netloc}/api/{path}"
