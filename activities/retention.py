"""The retention limits, the storage side: delete what the chat record has already forgotten.

Each activity is one side effect and idempotent: what is already gone counts as nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import azure.durable_functions as df

from activities.contracts import (
    DeleteExpiredBlobsInput,
    DeleteGenerationRowsInput,
    ExpiredBlobsDeleted,
    GenerationHistoriesPurged,
    GenerationRowsDeleted,
    PurgeGenerationHistoriesInput,
)
from calendary.bootstrap import services
from calendary.domain import paths
from calendary.domain.chat_retention import generated_blobs
from calendary.storage import azure_names as az

bp = df.Blueprint()
log = logging.getLogger(__name__)


def _delete_expired(job: DeleteExpiredBlobsInput) -> ExpiredBlobsDeleted:
    blobs = services().blobs
    photos = sum(blobs.delete(name) for name in job.blob_names)
    # A photo's face embedding (orchestration 1.1) goes with it; older photos have none.
    faces = sum(blobs.delete(paths.face_blob_name(name)) for name in job.blob_names)
    generated = sum(blobs.delete(n) for n in generated_blobs(job.chat_id, job.generation_ids))
    archives = 0
    if job.archives_before is not None:
        for archive in blobs.list_prefix(paths.archive_prefix(job.chat_id)):
            built = paths.archive_built_at(archive.name)
            if built is not None and built < job.archives_before:
                archives += blobs.delete(archive.name)
    return ExpiredBlobsDeleted(photos=photos, faces=faces, generated=generated, archives=archives)


@bp.activity_trigger(input_name="request")
async def delete_expired_blobs(request: dict[str, Any]) -> dict[str, Any]:
    job = DeleteExpiredBlobsInput.model_validate(request)
    deleted = await asyncio.to_thread(_delete_expired, job)
    log.info("expired blobs deleted chat_id=%s %s", job.chat_id, deleted.dump())
    return deleted.dump()


def _delete_rows(job: DeleteGenerationRowsInput) -> int:
    svc = services()
    table = svc.table(svc.settings.generations_table)
    wanted = set(job.generation_ids)
    try:  # the delete call itself ignores a missing row: list first, so a retry counts nothing
        rows = table.query_entities(
            "PartitionKey eq @chat", parameters={"chat": job.chat_id}, select=["RowKey"]
        )
        present = [r["RowKey"] for r in rows if r["RowKey"] in wanted]
    except az.ResourceNotFoundError:
        return 0
    for generation_id in present:
        table.delete_entity(job.chat_id, generation_id)
    return len(present)


@bp.activity_trigger(input_name="request")
async def delete_generation_rows(request: dict[str, Any]) -> dict[str, Any]:
    """The Generations rows hold the prompts: they go with the images."""
    job = DeleteGenerationRowsInput.model_validate(request)
    rows = await asyncio.to_thread(_delete_rows, job)
    log.info("expired generation rows deleted chat_id=%s rows=%d", job.chat_id, rows)
    return GenerationRowsDeleted(rows=rows).dump()


@bp.activity_trigger(input_name="request")
@bp.durable_client_input(client_name="client")
async def purge_generation_histories(
    request: dict[str, Any], client: df.DurableOrchestrationClient
) -> dict[str, Any]:
    """A generation's workflow history holds its prompt: purged once the generation expired."""
    job = PurgeGenerationHistoriesInput.model_validate(request)
    purged = 0
    for instance_id in job.generation_ids:
        purged += (await client.purge_instance_history(instance_id)).instances_deleted
    log.info("expired generation histories purged instances=%d", purged)
    return GenerationHistoriesPurged(instances=purged).dump()
