"""Activities for predictions on a trained version: create one, check it."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df

from activities.contracts import CreatePredictionInput, JobRef, ReplicateJob
from activities.errors import transient_raises
from activities.replicate_calls import created_earlier, job_state, webhook_for
from calendary.composition import services
from calendary.replicate.checked_inputs import (
    InputRefused,
    SchemaError,
    generation_input_for,
)
from calendary.replicate.errors import PermanentError
from calendary.replicate.inputs import generation_input
from calendary.replicate.jobs import from_prediction
from calendary.replicate.ownership import prediction_created_by
from calendary.storage.tables import GenerationRow

bp = df.Blueprint()
log = logging.getLogger(__name__)

# Short synchronous wait: a fast prediction comes back finished and skips the webhook wait.
PREDICTION_WAIT = 10


@bp.activity_trigger(input_name="request")
async def create_prediction(request: dict[str, Any]) -> dict[str, Any]:
    job = CreatePredictionInput.model_validate(request)
    svc = services()
    # Same rule as trainings: a retried step reuses the prediction it already created, found in
    # our table (written right after creation) or, when the create answer was lost, on Replicate.
    existing = await asyncio.to_thread(svc.generations.get, job.chat_id, job.generation_id)
    # A likeness retry (attempt 2) has its own column: the row's ReplicateId is the first's.
    known = existing and (
        existing.replicate_id if job.attempt == 1 else existing.retry_replicate_id
    )
    if known:
        prediction = await transient_raises(svc.replicate().get_prediction(known), "get prediction")
        return from_prediction(prediction).dump()
    try:
        inputs = await _inputs(job)
    except (InputRefused, SchemaError, PermanentError) as exc:
        log.error("the version refuses the input chat_id=%s: %s", job.chat_id, exc)
        return ReplicateJob(status="failed", error=str(exc)).dump()
    # The first attempt's prediction names this instance in its webhook too: never the retry's.
    first = existing.replicate_id if existing is not None and job.attempt > 1 else None
    prediction = await created_earlier(
        svc.replicate().list_predictions,
        lambda p: (
            p.id != first
            and prediction_created_by(
                p,
                instance_id=job.instance_id,
                version=job.version,
                input=inputs,
                requested_at=job.requested_at,
            )
        ),
        "list predictions",
    )
    if prediction is not None:
        log.info(
            "prediction found on replicate chat_id=%s generation_id=%s prediction_id=%s",
            job.chat_id,
            job.generation_id,
            prediction.id,
        )
    else:
        try:
            prediction = await transient_raises(
                svc.replicate().create_prediction(
                    job.version, inputs, webhook=webhook_for(job.instance_id), wait=PREDICTION_WAIT
                ),
                "create prediction",
            )
        except PermanentError as exc:
            log.error(
                "replicate refused the prediction chat_id=%s status=%s", job.chat_id, exc.status
            )
            return ReplicateJob(status="failed", error=str(exc)).dump()
    row = GenerationRow(
        chat_id=job.chat_id,
        generation_id=job.generation_id,
        status=prediction.status,
        **(
            {
                "replicate_id": prediction.id,
                "created_at": prediction.created_at or datetime.now(UTC),
            }
            if job.attempt == 1
            else {"retry_replicate_id": prediction.id}
        ),
    )
    await asyncio.to_thread(svc.generations.upsert, row)
    log.info(
        "prediction created chat_id=%s generation_id=%s attempt=%d prediction_id=%s status=%s",
        job.chat_id,
        job.generation_id,
        job.attempt,
        prediction.id,
        prediction.status,
    )
    return from_prediction(prediction).dump()


async def _inputs(job: CreatePredictionInput) -> dict[str, Any]:
    """Mapped onto the trained version's schema; a workflow started before the model was passed
    along sends the seed's inputs, as it did then."""
    if not job.model:
        return generation_input(
            job.prompt,
            seed=job.seed,
            aspect_ratio=job.aspect_ratio,
            num_inference_steps=job.num_inference_steps,
        )
    svc = services()
    return await transient_raises(
        generation_input_for(
            svc.replicate(),
            svc.schemas,
            model=job.model,
            version=job.version,
            prompt=job.prompt,
            seed=job.seed,
            aspect_ratio=job.aspect_ratio,
            num_inference_steps=job.num_inference_steps,
        ),
        "read the version's schema",
    )


@bp.activity_trigger(input_name="request")
async def check_prediction(request: dict[str, Any]) -> dict[str, Any]:
    ref = JobRef.model_validate(request)
    call = services().replicate().get_prediction(ref.id)
    return await job_state(call, "get prediction", ref.id, from_prediction)


@bp.activity_trigger(input_name="request")
async def cancel_prediction(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: cancelling a finished or unknown prediction changes nothing."""
    ref = JobRef.model_validate(request)
    call = services().replicate().cancel_prediction(ref.id)
    return await job_state(call, "cancel prediction", ref.id, from_prediction)
