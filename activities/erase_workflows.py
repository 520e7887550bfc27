"""Erasing a chat, the Durable side: stop the chat's workflows, then purge their histories.

Both activities hold a durable client (an input binding, as any function may) and find the
chat's instances by their id prefix, plus the ids of older instances named in the chat record
(`calendary/domain/erasure.py`). Another erase of the same chat is never stopped or purged: it
ends by itself, and its own history is purged when it has finished.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import azure.durable_functions as df

from activities.contracts import (
    HistoriesPurged,
    PurgeHistoriesInput,
    StopWorkflowsInput,
    WorkflowsStopped,
)
from activities.errors import TransientFailure
from calendary.domain.erasure import instance_prefix, is_erase_instance
from entities.chat import chat_entity

bp = df.Blueprint()
log = logging.getLogger(__name__)

Status = df.OrchestrationRuntimeStatus
RUNNING = {Status.Running, Status.Pending, Status.ContinuedAsNew, Status.Suspended}
STOP_WAIT_SECONDS = 30.0
REASON = "canceled: the chat was erased"


def _input_chat(status: df.DurableOrchestrationStatus) -> str | None:
    value: Any = status.input_
    for _ in range(2):  # the input may come back as JSON text, once or twice encoded
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return None
    return value.get("chat_id") if isinstance(value, dict) else None


async def find_chat_instances(
    client: df.DurableOrchestrationClient,
    chat_id: str,
    legacy_ids: list[str],
    legacy_batches: list[str],
) -> dict[str, df.DurableOrchestrationStatus]:
    found = {
        s.instance_id: s
        for s in await client.get_status_by(instance_id_prefix=instance_prefix(chat_id))
    }
    for instance_id in legacy_ids:
        status = await client.get_status(instance_id)
        if status and status.instance_id:
            found[instance_id] = status
    for batch in legacy_batches:  # an upload id's first 8 characters; confirmed by its input
        for candidate in await client.get_status_by(instance_id_prefix=batch):
            status = await client.get_status(candidate.instance_id, show_input=True)
            if status and _input_chat(status) == chat_id:
                found[candidate.instance_id] = status
    return found


@bp.activity_trigger(input_name="request")
@bp.durable_client_input(client_name="client")
async def stop_chat_workflows(
    request: dict[str, Any], client: df.DurableOrchestrationClient
) -> dict[str, Any]:
    """Terminate every running workflow of the chat and wait until each has ended, so none of
    them writes or notifies after the erase. Idempotent: an ended workflow is left alone."""
    job = StopWorkflowsInput.model_validate(request)
    found = await find_chat_instances(
        client, job.chat_id, job.legacy_instance_ids, job.legacy_upload_batches
    )
    found.pop(job.erase_instance_id, None)
    stopping = [
        i
        for i, s in found.items()
        if s.runtime_status in RUNNING and not is_erase_instance(job.chat_id, i)
    ]
    for instance_id in stopping:
        await client.terminate(instance_id, REASON)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for instance_id in stopping:
        while (status := await client.get_status(instance_id)) and status.runtime_status in RUNNING:
            if time.monotonic() > deadline:
                raise TransientFailure(f"workflow {instance_id} has not ended yet")
            await asyncio.sleep(0.1)
    log.info(
        "chat workflows stopped chat_id=%s found=%d stopped=%d",
        job.chat_id,
        len(found),
        len(stopping),
    )
    return WorkflowsStopped(instance_ids=sorted(found), stopped=len(stopping)).dump()


@bp.activity_trigger(input_name="request")
@bp.durable_client_input(client_name="client")
async def purge_chat_histories(
    request: dict[str, Any], client: df.DurableOrchestrationClient
) -> dict[str, Any]:
    """Purge (by id, as the Durable API offers) every ended instance of the chat and the chat
    entity's instance; this erase's own history goes after it has finished."""
    job = PurgeHistoriesInput.model_validate(request)
    found = await find_chat_instances(client, job.chat_id, job.instance_ids, [])
    found.pop(job.erase_instance_id, None)
    purged = 0
    for instance_id, status in sorted(found.items()):
        if status.runtime_status in RUNNING:
            continue  # another erase still running, or work started after this erase began
        purged += (await client.purge_instance_history(instance_id)).instances_deleted
    entity = f"@{chat_entity(job.chat_id).name.lower()}@{job.chat_id}"
    purged += (await client.purge_instance_history(entity)).instances_deleted
    log.info("chat histories purged chat_id=%s instances=%d", job.chat_id, purged)
    return HistoriesPurged(instances=purged).dump()
