"""Training: reserve the chat's slot, zip the uploads, create the model, train, await the end."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from activities.archive import build_archive
from activities.contracts import (
    ArchiveBuilt,
    BuildArchiveInput,
    CreateModelInput,
    ModelReady,
    ReplicateJob,
    StartTrainingInput,
    TrainingStart,
)
from activities.replicate_trainings import (
    cancel_training,
    check_training,
    create_model,
    start_training,
)
from calendary.domain import chat_operations as ops
from calendary.domain import paths
from calendary.domain.chat_trainings import TrainingRequest, recorded_status
from calendary.domain.photo_checks import passes
from orchestrators import policies
from orchestrators.chat_records import ask_chat, record_training_finished, record_training_started
from orchestrators.contracts import TrainingJob, TrainingProgress, TrainingResult
from orchestrators.replicate_wait import await_replicate_job
from orchestrators.steps import notify, run

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context")
def train_model(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    job = TrainingJob.model_validate(context.get_input())
    now = context.current_utc_datetime
    request = TrainingRequest(
        instance_id=context.instance_id,
        owner=job.owner,
        trigger_word=job.trigger_word,
        steps=job.steps,
        description=job.model_description,
        requested_at=now,
    )
    reservation = yield from ask_chat(
        context,
        job.chat_id,
        ops.RESERVE_TRAINING,
        ops.ReserveTraining(request=request, min_images=job.min_images),
    )
    slot = reservation.result
    if slot.result != "reserved" or slot.training is None:
        return TrainingResult(outcome="rejected", reason=slot.result).dump()
    model_id = slot.training.model_id
    images = [
        i.blob_name
        for i in reservation.chat.images
        if not job.only_passing or not i.analysis or passes(i.analysis)
    ]

    context.set_custom_status(TrainingProgress(stage="archiving", model_id=model_id).dump())
    archive_job = BuildArchiveInput(
        chat_id=job.chat_id,
        blob_names=images,
        archive_name=paths.archive_blob_name(job.chat_id, now),
        at=now.isoformat(),
    )
    archive = yield from run(context, build_archive, policies.STORAGE, archive_job, ArchiveBuilt)
    context.set_custom_status(TrainingProgress(stage="creating_model", model_id=model_id).dump())
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
        context, start_training, policies.REPLICATE, training_job, TrainingStart
    )
    if started.outcome == "refused":  # nothing runs on Replicate
        return (yield from _finish(context, job, model_id, started))

    running = ops.TrainingStarted(
        instance_id=context.instance_id, training_id=started.id, archive_url=archive.url
    )
    yield from record_training_started(context, job.chat_id, running)
    training = TrainingProgress(stage="training", training_id=started.id, model_id=model_id)
    context.set_custom_status(training.model_copy(update={"status": "starting"}).dump())
    yield from notify(
        context,
        job.chat_id,
        "training_started",
        {"training_id": started.id, "model_id": model_id, "instance_id": context.instance_id},
    )
    if started.outcome == "already_ended":  # found after a lost create answer: nothing to wait
        return (yield from _finish(context, job, model_id, started))

    def show_progress(percent: int) -> None:
        update = {"status": "processing", "progress": percent}
        context.set_custom_status(training.model_copy(update=update).dump())

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
    status = recorded_status(outcome.status)
    finished = ops.TrainingFinished(
        instance_id=context.instance_id,
        status=status,
        completed_at=outcome.completed_at or context.current_utc_datetime,
        version=outcome.version,
        error=outcome.error,
        predict_time=outcome.predict_time,
        hardware=outcome.hardware,
    )
    yield from record_training_finished(context, job.chat_id, finished)
    ids = {"training_id": outcome.id or None, "instance_id": context.instance_id}
    if status == "succeeded":
        details = {**ids, "model_id": model_id, "version": outcome.version}
        yield from notify(context, job.chat_id, "training_complete", details)
    else:
        yield from notify(context, job.chat_id, "training_failed", ids)
    ended = TrainingProgress(
        stage="finished",
        training_id=outcome.id,
        model_id=model_id,
        status=status,
        progress=100 if status == "succeeded" else None,
    )
    context.set_custom_status(ended.dump())
    return TrainingResult(
        outcome=status,
        reason=outcome.error or "",
        training_id=outcome.id,
        model_id=model_id,
        status=status,
        version=outcome.version,
    ).dump()
