"""Activities that talk to Replicate: model, training and prediction calls, one each.

Permanent refusals (4xx) are returned as outcomes; transient ones (429, 5xx, network) are raised
so the workflow's retry policy repeats the call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

import azure.durable_functions as df

from activities.contracts import (
    CreateModelInput,
    CreatePredictionInput,
    JobRef,
    ModelReady,
    ReplicateJob,
    StartTrainingInput,
)
from activities.errors import TransientFailure
from calendary.composition import services
from calendary.replicate.errors import ConflictError, PermanentError, TransientError
from calendary.replicate.inputs import generation_input, training_input
from calendary.replicate.jobs import from_prediction, from_training
from calendary.storage.tables import GenerationRow, TrainingRow

bp = df.Blueprint()
log = logging.getLogger(__name__)
T = TypeVar("T")
J = TypeVar("J")

# Replicate fetches the archive soon after the training starts; the link outlives a slow queue.
ARCHIVE_LINK_TTL = timedelta(hours=6)
# Short synchronous wait: a fast prediction comes back finished and skips the webhook wait.
PREDICTION_WAIT = 10


async def _transient_raises(call: Awaitable[T], what: str) -> T:
    try:
        return await call
    except TransientError as exc:
        log.warning("replicate %s failed, will retry status=%s", what, exc.status)
        raise TransientFailure(
            f"Replicate {what}: temporarily unavailable ({exc.status})"
        ) from None


async def _job_state(
    call: Awaitable[J], what: str, job_id: str, reduce: Callable[[J], ReplicateJob]
) -> dict[str, Any]:
    """A job's state; one Replicate no longer knows (404) or refuses is final: failed."""
    try:
        return reduce(await _transient_raises(call, what)).dump()
    except PermanentError as exc:
        log.error("replicate %s refused job_id=%s status=%s", what, job_id, exc.status)
        return ReplicateJob(id=job_id, status="failed", error=str(exc)).dump()


def webhook_for(instance_id: str) -> str | None:
    """`{WebhookUrl}?instanceId=...`: the webhook function raises its event on that instance."""
    base = services().settings.webhook_url
    if not base:
        return None
    parts = urlsplit(base)
    query = "&".join(q for q in (parts.query, urlencode({"instanceId": instance_id})) if q)
    return urlunsplit(parts._replace(query=query))


@bp.activity_trigger(input_name="request")
async def create_model(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: a model that already exists (409, e.g. from an earlier attempt) is fine."""
    job = CreateModelInput.model_validate(request)
    owner, name = job.model_id.split("/", 1)
    client = services().replicate()
    try:
        await _transient_raises(
            client.create_model(owner, name, visibility="private", description=job.description),
            "create model",
        )
    except ConflictError:
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
    # training this instance already created (its row is written right after creation).
    for existing in await asyncio.to_thread(svc.trainings.list_for_chat, job.chat_id):
        if existing.instance_id == job.instance_id and existing.replicate_id:
            training = await _transient_raises(
                svc.replicate().get_training(existing.replicate_id), "get training"
            )
            return from_training(training).dump()
    images_url = await asyncio.to_thread(svc.blobs.read_sas_url, job.archive_blob, ARCHIVE_LINK_TTL)
    try:
        training = await _transient_raises(
            svc.replicate().create_training(
                job.model_id,
                training_input(images_url, trigger_word=job.trigger_word, steps=job.steps),
                webhook=webhook_for(job.instance_id),
            ),
            "create training",
        )
    except PermanentError as exc:
        log.error("replicate refused the training chat_id=%s status=%s", job.chat_id, exc.status)
        return ReplicateJob(status="failed", error=str(exc)).dump()
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
    log.info(
        "training started chat_id=%s instance_id=%s training_id=%s",
        job.chat_id,
        job.instance_id,
        training.id,
    )
    return from_training(training).dump()


@bp.activity_trigger(input_name="request")
async def check_training(request: dict[str, Any]) -> dict[str, Any]:
    ref = JobRef.model_validate(request)
    call = services().replicate().get_training(ref.id)
    return await _job_state(call, "get training", ref.id, from_training)


@bp.activity_trigger(input_name="request")
async def cancel_training(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: cancelling a finished or unknown training changes nothing."""
    ref = JobRef.model_validate(request)
    call = services().replicate().cancel_training(ref.id)
    return await _job_state(call, "cancel training", ref.id, from_training)


@bp.activity_trigger(input_name="request")
async def create_prediction(request: dict[str, Any]) -> dict[str, Any]:
    job = CreatePredictionInput.model_validate(request)
    svc = services()
    # Same rule as trainings: a retried step reuses the prediction it already created.
    existing = await asyncio.to_thread(svc.generations.get, job.chat_id, job.generation_id)
    if existing is not None and existing.replicate_id:
        prediction = await _transient_raises(
            svc.replicate().get_prediction(existing.replicate_id), "get prediction"
        )
        return from_prediction(prediction).dump()
    inputs = generation_input(
        job.prompt,
        seed=job.seed,
        aspect_ratio=job.aspect_ratio,
        num_inference_steps=job.num_inference_steps,
    )
    try:
        prediction = await _transient_raises(
            svc.replicate().create_prediction(
                job.version, inputs, webhook=webhook_for(job.instance_id), wait=PREDICTION_WAIT
            ),
            "create prediction",
        )
    except PermanentError as exc:
        log.error("replicate refused the prediction chat_id=%s status=%s", job.chat_id, exc.status)
        return ReplicateJob(status="failed", error=str(exc)).dump()
    row = GenerationRow(
        chat_id=job.chat_id,
        generation_id=job.generation_id,
        replicate_id=prediction.id,
        status=prediction.status,
        created_at=prediction.created_at or datetime.now(UTC),
    )
    await asyncio.to_thread(svc.generations.upsert, row)
    log.info(
        "prediction created chat_id=%s generation_id=%s prediction_id=%s status=%s",
        job.chat_id,
        job.generation_id,
        prediction.id,
        prediction.status,
    )
    return from_prediction(prediction).dump()


@bp.activity_trigger(input_name="request")
async def check_prediction(request: dict[str, Any]) -> dict[str, Any]:
    ref = JobRef.model_validate(request)
    call = services().replicate().get_prediction(ref.id)
    return await _job_state(call, "get prediction", ref.id, from_prediction)
