"""Erase a chat everywhere: stop its work first, then delete what it left, then its histories.

Every step is one idempotent activity, so a crash at any point resumes where it stopped and a
second erase running at the same time repeats only deletions that find nothing. The chat record
is read once at the start: after that only this history holds what the erase still needs, and
it is purged when the erase has finished (by its starter, or by the next `apply_retention` run).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from activities.contracts import (
    BlobsErased,
    CancelJobsInput,
    ChatRef,
    DeleteModelsInput,
    ErasureRecorded,
    HistoriesPurged,
    JobsCanceled,
    ModelsDeleted,
    NotificationsErased,
    PurgeHistoriesInput,
    RecordErasureInput,
    RowsErased,
    StopWorkflowsInput,
    WorkflowsStopped,
)
from activities.erase_replicate import cancel_chat_jobs, delete_chat_models
from activities.erase_storage import (
    erase_chat_blobs,
    erase_chat_rows,
    erase_queued_notifications,
    record_erasure,
)
from activities.erase_workflows import purge_chat_histories, stop_chat_workflows
from calendary.domain import chat_operations as ops
from calendary.domain.erasure import chat_hash, plan_erasure
from orchestrators import policies
from orchestrators.chat_records import ask_chat, read_chat
from orchestrators.contracts import EraseJob, EraseProgress, EraseResult
from orchestrators.steps import run

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context")
def erase_chat(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    job = EraseJob.model_validate(context.get_input())
    started = context.current_utc_datetime
    chat = yield from read_chat(context, job.chat_id)
    plan = plan_erasure(chat)
    chat_ref = ChatRef(chat_id=job.chat_id)

    # 1. Stop: no workflow of the chat writes, bills or notifies after this point.
    context.set_custom_status(EraseProgress(stage="stopping").dump())
    stop = StopWorkflowsInput(
        chat_id=job.chat_id,
        erase_instance_id=context.instance_id,
        legacy_instance_ids=plan.legacy_instance_ids,
        legacy_upload_batches=plan.legacy_upload_batches,
    )
    stopped = yield from run(context, stop_chat_workflows, policies.STORAGE, stop, WorkflowsStopped)
    cancel = CancelJobsInput(
        chat_id=job.chat_id,
        training_ids=plan.running_training_ids,
        prediction_ids=plan.running_prediction_ids,
    )
    canceled = yield from run(context, cancel_chat_jobs, policies.REPLICATE, cancel, JobsCanceled)

    # 2. Delete: the LoRA weights on Replicate, then everything stored here.
    context.set_custom_status(EraseProgress(stage="deleting").dump())
    models = yield from run(
        context,
        delete_chat_models,
        policies.REPLICATE,
        DeleteModelsInput(model_ids=plan.model_ids),
        ModelsDeleted,
    )
    blobs = yield from run(context, erase_chat_blobs, policies.STORAGE, chat_ref, BlobsErased)
    rows = yield from run(context, erase_chat_rows, policies.STORAGE, chat_ref, RowsErased)
    queued = yield from run(
        context, erase_queued_notifications, policies.STORAGE, chat_ref, NotificationsErased
    )
    yield from ask_chat(context, job.chat_id, ops.ERASE)  # answers "erased" or raises

    # 3. Forget the workflows: every history of the chat but this one's.
    context.set_custom_status(EraseProgress(stage="purging").dump())
    purge = PurgeHistoriesInput(
        chat_id=job.chat_id,
        erase_instance_id=context.instance_id,
        instance_ids=[*stopped.instance_ids, *plan.legacy_instance_ids],
    )
    purged = yield from run(context, purge_chat_histories, policies.STORAGE, purge, HistoriesPurged)

    counts = {
        "workflowsStopped": stopped.stopped,
        "jobsCanceled": canceled.canceled,
        "modelVersions": models.versions,
        "models": models.models,
        "blobs": blobs.blobs,
        "trainingRows": rows.trainings,
        "generationRows": rows.generations,
        "deliveryRows": rows.deliveries,
        "notifications": queued.notifications,
        "histories": purged.instances,
    }
    audit = RecordErasureInput(
        erasure_id=context.new_uuid().replace("-", ""),
        chat_hash=chat_hash(job.chat_id),
        started_at=started,
        finished_at=context.current_utc_datetime,
        counts=counts,
        outcome="erased",
    )
    yield from run(context, record_erasure, policies.STORAGE, audit, ErasureRecorded)
    context.set_custom_status(EraseProgress(stage="finished").dump())
    return EraseResult(outcome="erased", counts=counts).dump()
