"""Retention for one chat: the record forgets what is older than the limits, then it is deleted.

Started by the `apply_retention` timer with the limits in its input. The chat entity decides
what expired (photos stay while a training runs) and renders index.md without it; the blobs,
the Generations rows with their prompts and the generations' workflow histories go after, so
nothing the record still lists is ever missing. Since version 1.2 the photos left are compared
again (the same-person check), as their distances were measured against photos now gone.
Every step is idempotent: a rerun finds nothing.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
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
from activities.retention import (
    delete_expired_blobs,
    delete_generation_rows,
    purge_generation_histories,
)
from calendary.domain import chat_operations as ops
from calendary.domain.chat_retention import ExpireRequest
from orchestrators import policies
from orchestrators.chat_records import ask_chat, record
from orchestrators.contracts import RetentionJob, RetentionResult
from orchestrators.photo_checks import recheck_same_person
from orchestrators.steps import run
from orchestrators.versions import LIKENESS_RETRY, at_least

bp = df.Blueprint()

# An archive built in the last hour may belong to a training that is being reserved right now.
ARCHIVE_GRACE = timedelta(hours=1)


@bp.orchestration_trigger(context_name="context")
def expire_chat_data(
    context: df.DurableOrchestrationContext,
) -> Generator[Any, Any, dict[str, Any]]:
    job = RetentionJob.model_validate(context.get_input())
    now = context.current_utc_datetime
    if (yield from ask_chat(context, job.chat_id, ops.GET)).state is None:  # none to create
        return RetentionResult().dump()
    request = ExpireRequest(
        uploads_before=now - timedelta(days=job.upload_retention_days),
        generated_before=now - timedelta(days=job.generated_retention_days),
        at=now,
    )
    expired = (yield from record(context, job.chat_id, ops.EXPIRE_DATA, request)).result
    generation_ids = list(expired.generation_ids)
    blobs = DeleteExpiredBlobsInput(
        chat_id=job.chat_id,
        blob_names=list(expired.image_blobs),
        generation_ids=generation_ids,
        archives_before=now - ARCHIVE_GRACE if expired.archives else None,
    )
    deleted = yield from run(
        context, delete_expired_blobs, policies.STORAGE, blobs, ExpiredBlobsDeleted
    )
    rows = DeleteGenerationRowsInput(chat_id=job.chat_id, generation_ids=generation_ids)
    deleted_rows = yield from run(
        context, delete_generation_rows, policies.STORAGE, rows, GenerationRowsDeleted
    )
    histories = PurgeGenerationHistoriesInput(generation_ids=generation_ids)
    purged = yield from run(
        context, purge_generation_histories, policies.STORAGE, histories, GenerationHistoriesPurged
    )
    rechecked = 0
    if expired.image_blobs and at_least(context.version, LIKENESS_RETRY):  # 1.2, after the rest
        rechecked = yield from recheck_same_person(context, job.chat_id)
    return RetentionResult(
        photos=len(expired.image_blobs),
        rechecked=rechecked,
        faces=deleted.faces,
        generations=len(generation_ids),
        generated_blobs=deleted.generated,
        archives=deleted.archives,
        generation_rows=deleted_rows.rows,
        histories=purged.instances,
    ).dump()
