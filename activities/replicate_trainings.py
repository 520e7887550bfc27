"""Activities for trainings on Replicate: the private model, the training, its checks and cancel."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import azure.durable_functions as df

from activities.contracts import (
    CreateModelInput,
    JobRef,
    ModelReady,
    ReplicateJob,
    StartTrainingInput,
)
from activities.errors import transient_raises
from activities.replicate_calls import created_earlier, job_state, webhook_for
from calendary.composition import services
from calendary.replicate.checked_inputs import InputRefused, SchemaError, training_input_for
from calendary.replicate.errors import ConflictError, NotFoundError, PermanentError
from calendary.replicate.jobs import from_training
from calendary.replicate.ownership import created_by
from calendary.storage.tables import TrainingRow

bp = df.Blueprint()
log = logging.getLogger(__name__)

# Replicate fetches the archive soon after the training starts; the link outlives a slow queue.
ARCHIVE_LINK_TTL = timedelta(hours=6)
# `logs` carries the step counter while the training runs: the webhook function keeps progress.
TRAINING_EVENTS = ("logs", "completed")


@bp.activity_trigger(input_name="request")
async def create_model(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: a model that already exists (409, e.g. from an earlier attempt) is fine. A 409
    for a model that is not there is a name Replicate keeps reserved after a delete: refused."""
    job = CreateModelInput.model_validate(request)
    owner, name = job.model_id.split("/", 1)
    client = services().replicate()
    try:
        await transient_raises(
            client.create_model(owner, name, visibility="private", description=job.description),
            "create model",
        )
    except ConflictError:
        try:
            await transient_raises(client.get_model(owner, name), "get model")
        except NotFoundError:
            log.error("replicate model name reserved model_id=%s", job.model_id)
            error = "the model name is reserved by a deleted model"
            return ModelReady(ok=False, model_id=job.model_id, error=error).dump()
        log.info("replicate model exists model_id=%s", job.model_id)
    except PermanentError as exc:
        log.error("replicate refused the model model_id=%s status=%s", job.model_id, exc.status)
        return ModelReady(ok=False, model_id=job.model_id, error=str(exc)).dump()
    return ModelReady(ok=True, model_id=job.model_id).dump()


@bp.activity_trigger(input_name="request")
async def start_training(request: dict[str, Any]) -> dict[str, Any]:
    job = StartTrainingInput.model_validate(request)
    svc = services()
    # Creating a training is not idempotent and is billed: a retried step first looks for the
    # training this instance already created, in our table (written right after creation) and,
    # since the answer to the create call may have been lost, in Replicate's recent trainings.
    for existing in await asyncio.to_thread(svc.trainings.list_for_chat, job.chat_id):
        if existing.instance_id == job.instance_id and existing.replicate_id:
            training = await transient_raises(
                svc.replicate().get_training(existing.replicate_id), "get training"
            )
            return from_training(training).dump()
    images_url = await asyncio.to_thread(svc.blobs.read_sas_url, job.archive_blob, ARCHIVE_LINK_TTL)
    training = await created_earlier(
        svc.replicate().list_trainings,
        lambda t: created_by(t, images_url, job.instance_id),
        "list trainings",
    )
    if training is not None:
        log.info(
            "training found on replicate chat_id=%s instance_id=%s training_id=%s",
            job.chat_id,
            job.instance_id,
            training.id,
        )
    else:
        try:
            inputs = await transient_raises(
                training_input_for(
                    svc.replicate(),
                    svc.schemas,
                    images_url=images_url,
                    trigger_word=job.trigger_word,
                    steps=job.steps,
                ),
                "read the trainer's schema",
            )
            training = await transient_raises(
                svc.replicate().create_training(
                    job.model_id,
                    inputs,
                    webhook=webhook_for(job.instance_id),
                    webhook_events_filter=TRAINING_EVENTS,
                ),
                "create training",
            )
        except (InputRefused, SchemaError) as exc:
            log.error("the trainer refuses the input chat_id=%s: %s", job.chat_id, exc)
            return ReplicateJob(status="failed", error=str(exc)).dump()
        except PermanentError as exc:
            log.error(
                "replicate refused the training chat_id=%s status=%s", job.chat_id, exc.status
            )
            return ReplicateJob(status="failed", error=str(exc)).dump()
        log.info(
            "training started chat_id=%s instance_id=%s training_id=%s",
            job.chat_id,
            job.instance_id,
            training.id,
        )
    row = TrainingRow(
        chat_id=job.chat_id,
        training_id=training.id,
        replicate_id=training.id,
        model_id=job.model_id,
        status=training.status,
        archive_url=svc.blobs.url(job.archive_blob),
        trigger_word=job.trigger_word,
        steps=job.steps,
        created_at=training.created_at or datetime.now(UTC),
        instance_id=job.instance_id,
    )
    await asyncio.to_thread(svc.trainings.upsert, row)
    return from_training(training).dump()


@bp.activity_trigger(input_name="request")
async def check_training(request: dict[str, Any]) -> dict[str, Any]:
    ref = JobRef.model_validate(request)
    call = services().replicate().get_training(ref.id)
    return await job_state(call, "get training", ref.id, from_training)


@bp.activity_trigger(input_name="request")
async def cancel_training(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: cancelling a finished or unknown training changes nothing."""
    ref = JobRef.model_validate(request)
    call = services().replicate().cancel_training(ref.id)
    return await job_state(call, "cancel training", ref.id, from_training)
