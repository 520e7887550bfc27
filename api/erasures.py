"""DELETE /api/chats/{userId}: erase the chat everywhere (the `erase_chat` workflow)."""

from __future__ import annotations

import logging
import uuid

import azure.durable_functions as df
import azure.functions as func

from api import routes
from api.durable_wait import accepted, wait_for
from api.envelope import fail, ok, route_chat_id
from api.failures import answers_failures
from calendary.bootstrap import services
from calendary.domain.erasure import erase_instance_id
from calendary.domain.responses import EraseChatData
from orchestrators import names
from orchestrators.contracts import EraseJob, EraseResult

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route=routes.ERASE_CHAT.path, methods=[routes.ERASE_CHAT.method])
@bp.durable_client_input(client_name="client")
@answers_failures
async def erase_chat_http(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    chat_id = route_chat_id(req)
    instance_id = erase_instance_id(chat_id, uuid.uuid4().hex)
    await client.start_new(names.ERASE_CHAT, instance_id, EraseJob(chat_id=chat_id).dump())
    log.info("erase started chat_id=%s instance_id=%s", chat_id, instance_id)
    status = await wait_for(client, instance_id, services().settings.erase_wait)
    if status is None:
        # Its history is purged by the next `apply_retention` run once it has finished.
        return accepted(req, instance_id, user_id=chat_id)
    if status.runtime_status != df.OrchestrationRuntimeStatus.Completed:
        log.error("erase failed chat_id=%s output=%s", chat_id, status.output)
        return fail(500, f"the erase workflow {instance_id} did not complete; send it again")
    result = EraseResult.model_validate(status.output)
    # The erase's own history names the chat: it goes last, now that the erase has finished.
    await client.purge_instance_history(instance_id)
    data = EraseChatData(user_id=chat_id, outcome=result.outcome, counts=result.counts)
    return ok(data)
