"""GET /api/instances/{instanceId}: a workflow's state, the link 202 answers hand out.

Callers follow this instead of Durable's own status URL, which in Azure carries the extension's
system key (`code=`) and would be stored by whoever polls it (n8n keeps every execution's data).
It answers only for this service's workflow ids and never shows inputs or history.
"""

from __future__ import annotations

import re

import azure.durable_functions as df
import azure.functions as func

from api import routes
from api.durable_wait import FINISHED
from api.envelope import fail, respond
from api.failures import answers_failures
from calendary.domain.responses import InstanceStatusData, success

bp = df.Blueprint()
_instance_id = re.compile(routes.INSTANCE_ID_PATTERN)
NOT_FOUND = "no workflow of this service has that id"


@bp.route(route=routes.INSTANCE_STATUS.path, methods=[routes.INSTANCE_STATUS.method])
@bp.durable_client_input(client_name="client")
@answers_failures
async def instance_status_http(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = req.route_params.get("instanceId", "")
    if not _instance_id.match(instance_id):
        return fail(404, NOT_FOUND)
    status = await client.get_status(instance_id)
    if status is None or status.runtime_status is None:
        return fail(404, NOT_FOUND)
    done = status.runtime_status in FINISHED
    data = InstanceStatusData(
        runtime_status=status.runtime_status.value,
        custom_status=status.custom_status,
        output=status.output
        if status.runtime_status == df.OrchestrationRuntimeStatus.Completed
        else None,
        created_time=status.created_time,
        last_updated_time=status.last_updated_time,
    )
    # Like Durable's status API: 202 while it runs, so a poller loops on the status code alone.
    return respond(200 if done else 202, success(data), None if done else {"Retry-After": "10"})
