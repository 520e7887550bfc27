"""Training: reserve the chat's slot, zip the uploads, create the model, train, await the end."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from activities.archive import build_archive
from activities.chat_record import record_training
from activities.contracts import (
    ArchiveBuilt,
    BuildArchiveInput,
    CreateModelInput,
    ModelReady,
    RecordTrainingInput,
    ReplicateJob,
    StartTrainingInput,
)
from activities.replicate_trainings import (
    cancel_training,
    check_training,
    create_model,
    start_training,
)
from calendary.domain import paths
from calendary.domain.photo_checks import PhotoAnalysis, passes
from entities.chat import chat_entity
from orchestrators import policies
from orchestrators.contracts import TrainingJob, TrainingResult
from orchestrators.replicate_wait import await_replicate_job
from orchestrators.steps import notify, run, update_chat

bp = df.Blueprint()

# The chat record knows three ends of a training; Replicate and the timer know a few more.
RECORDED_STATUS = {"succeeded": "succeeded", "canceled": "canceled", "aborted": "canceled"}


@bp.orchestration_trigger(context_name="context")
def train_model(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    job = TrainingJob.model_validate(context.get_input())
    now = context.current_utc_datetime
    reservation = yield context.call_entity(
        chat_entity(job.chat_id),
        "reserve_training",
        {
            "request": {
                "instance_id": context.instance_id,
                "owner": job.owner,
                "trigger_word": job.trigger_word,
                "steps": job.steps,
                "description": job.model_description,
                "requested_at": now.isoformat(),
            },
            "min_images": job.min_images,
        },
    )
    slot = reservation["result"]
    if slot["result"] != "reserved":
        return TrainingResult(outcome="rejected", reason=slot["result"]).dump()
    model_id = slot["training"]["model_id"]
    images = [
        i["blob_name"]
        for i in reservation["state"]["images"]
        if not job.only_passing or not i.get("analysis") or passes(_analysis(i["analysis"]))
    ]

    context.set_custom_status({"stage": "archiving", "modelId": model_id})
    archive_job = BuildArchiveInput(
        chat_id=job.chat_id,
        blob_names=images,
        archive_name=paths.archive_blob_name(job.chat_id, now),
        at=now.isoformat(),
    )
    archive = yield from run(context, build_archive, policies.STORAGE, archive_job, ArchiveBuilt)
    context.set_custom_status({"stage": "creating_model", "modelId": model_id})
    model_job = CreateModelInput(model_id=model_id, description=job.model_description)
    model = yield from run(context, create_model, policies.REPLICATE, model_job, ModelReady)
    if not model.ok:
        failed = ReplicateJob(status="failed", error=model.error)
        return (yield from _finish(context, job, model_id, failed))

    training_job = StartTrainingInput(
        chat_id=job.chat_id,
        instance_id=context.instance_id,
        model_id=model_id,
        archive_blob=archive.blob_name,
        trigger_word=job.trigger_word,
        steps=job.steps,
    )
    started = yield from run(
        context, start_training, policies.REPLICATE, training_job, ReplicateJob
    )
    if started.is_terminal and not started.id:  # refused at creation: nothing runs
        return (yield from _finish(context, job, model_id, started))

    training = yield from update_chat(
        context,
        job.chat_id,
        "record_training_started",
        {"instance_id": context.instance_id, "training_id": started.id, "archive_url": archive.url},
    )
    yield context.call_activity_with_retry(
        record_training,
        policies.STORAGE,
        RecordTrainingInput(chat_id=job.chat_id, training=training).dump(),
    )
    context.set_custom_status(
        {"stage": "training", "trainingId": started.id, "modelId": model_id, "status": "starting"}
    )
    yield from notify(
        context,
        job.chat_id,
        "training_started",
        {"training_id": started.id, "model_id": model_id, "instance_id": context.instance_id},
    )
    if started.is_terminal:  # found after a lost create answer, already ended: nothing to wait
        return (yield from _finish(context, job, model_id, started))

    def show_progress(percent: int) -> None:
        context.set_custom_status(
            {
                "stage": "training",
                "trainingId": started.id,
                "modelId": model_id,
                "status": "processing",
                "progress": percent,
            }
        )

    outcome = yield from await_replicate_job(
        context,
        check_activity=check_training,
        cancel_activity=cancel_training,
        job_id=started.id,
        timeout=timedelta(seconds=job.timeout_seconds),
        max_checks=job.max_checks,
        on_progress=show_progress,
    )
    return (yield from _finish(context, job, model_id, outcome))


def _finish(
    context: df.DurableOrchestrationContext, job: TrainingJob, model_id: str, outcome: ReplicateJob
) -> Generator[Any, Any, dict[str, Any]]:
    status = RECORDED_STATUS.get(outcome.status, "failed")
    training = yield from update_chat(
        context,
        job.chat_id,
        "record_training_finished",
        {
            "instance_id": context.instance_id,
            "status": status,
            "completed_at": outcome.completed_at or context.current_utc_datetime.isoformat(),
            "version": outcome.version,
            "error": outcome.error,
            "predict_time": outcome.predict_time,
            "hardware": outcome.hardware,
        },
    )
    if training.get("training_id"):
        yield context.call_activity_with_retry(
            record_training,
            policies.STORAGE,
            RecordTrainingInput(chat_id=job.chat_id, training=training).dump(),
        )
    ids = {"training_id": outcome.id or None, "instance_id": context.instance_id}
    if status == "succeeded":
        details = {**ids, "model_id": model_id, "version": outcome.version}
        yield from notify(context, job.chat_id, "training_complete", details)
    else:
        yield from notify(context, job.chat_id, "training_failed", ids)
    finished = {"stage": "finished", "trainingId": outcome.id, "modelId": model_id}
    finished |= {"status": status} | ({"progress": 100} if status == "succeeded" else {})
    context.set_custom_status(finished)
    return TrainingResult(
        outcome=status,
        reason=outcome.error or "",
        training_id=outcome.id,
        model_id=model_id,
        status=status,
        version=outcome.version,
    ).dump()


def _analysis(data: dict[str, Any]) -> PhotoAnalysis:
    return PhotoAnalysis.model_validate(data)
