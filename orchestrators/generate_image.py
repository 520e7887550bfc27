"""Generation: run the prompt on the trained version, keep the image before Replicate drops it."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from activities.contracts import (
    CreatePredictionInput,
    Likeness,
    ReplicateJob,
    ScoreLikenessInput,
    StoredImage,
    StoreImageInput,
)
from activities.generated_images import store_generated_image
from activities.photo_checks import score_likeness
from activities.replicate_predictions import (
    cancel_prediction,
    check_prediction,
    create_prediction,
)
from calendary.domain import chat_operations as ops
from calendary.domain.chat_generations import GenerationRequest
from calendary.domain.chat_uploads import likeness_reference
from orchestrators import policies
from orchestrators.chat_records import read_chat, record, record_generation_completed
from orchestrators.contracts import GenerationJob, GenerationResult
from orchestrators.replicate_wait import await_replicate_job
from orchestrators.steps import notify, run
from orchestrators.versions import PHOTO_CHECKS, at_least

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context")
def generate_image(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    job = GenerationJob.model_validate(context.get_input())
    request = GenerationRequest(
        generation_id=job.generation_id,
        training_id=job.training_id,
        prompt=job.prompt,
        seed=job.seed,
        requested_at=context.current_utc_datetime,
        trigger_word_added=job.trigger_word_added,
    )
    added = (yield from record(context, job.chat_id, ops.ADD_GENERATION, request)).result
    if added.result != "ok":
        return GenerationResult(
            outcome="rejected", reason=added.result, generation_id=job.generation_id
        ).dump()

    context.set_custom_status({"stage": "generating", "generationId": job.generation_id})
    request = CreatePredictionInput(
        chat_id=job.chat_id,
        generation_id=job.generation_id,
        instance_id=context.instance_id,
        version=added.version,
        model=added.model_id or "",
        prompt=job.prompt,
        seed=job.seed,
        aspect_ratio=job.aspect_ratio,
        num_inference_steps=job.num_inference_steps,
        requested_at=context.current_utc_datetime,
    )
    prediction = yield from run(
        context, create_prediction, policies.REPLICATE, request, ReplicateJob
    )
    if not prediction.is_terminal:
        outcome = yield from await_replicate_job(
            context,
            check_activity=check_prediction,
            cancel_activity=cancel_prediction,
            job_id=prediction.id,
            timeout=timedelta(seconds=job.timeout_seconds),
            max_checks=job.max_checks,
        )
        prediction = outcome

    stored = StoredImage(ok=False, error=prediction.error or prediction.status)
    if prediction.status == "succeeded" and prediction.output_url:
        copy = StoreImageInput(
            chat_id=job.chat_id,
            generation_id=job.generation_id,
            output_url=prediction.output_url,
            prompt=job.prompt,
        )
        stored = yield from run(context, store_generated_image, policies.STORAGE, copy, StoredImage)
    status = "succeeded" if stored.ok else "failed"
    likeness = Likeness()
    checks = at_least(context.version, PHOTO_CHECKS)
    if stored.ok and checks:
        chat = yield from read_chat(context, job.chat_id)
        score = ScoreLikenessInput(
            chat_id=job.chat_id,
            image_blob=stored.blob_name,
            reference_blobs=likeness_reference(chat, job.training_id),
        )
        likeness = yield from run(context, score_likeness, policies.ANALYSIS, score, Likeness)
    # 1.0 instances send what they always sent: no likeness_distance key at all.
    likeness_sent = {"likeness_distance": likeness.distance} if checks else {}
    completed = ops.GenerationCompleted(
        generation_id=job.generation_id,
        status=status,
        completed_at=prediction.completed_at or context.current_utc_datetime,
        image_url=stored.image_url or None,
        output_seed=prediction.output_seed,
        replicate_id=prediction.id or None,
        predict_time=prediction.predict_time,
        hardware=prediction.hardware,
        **likeness_sent,
    )
    yield from record_generation_completed(context, job.chat_id, completed)
    ids = {"generation_id": job.generation_id, "training_id": job.training_id}
    if stored.ok:
        details = {**ids, "image_url": "", "seed": prediction.output_seed}
        if likeness.distance is not None:
            details |= {"likeness": likeness.distance, "likeness_low": likeness.below_threshold}
        yield from notify(context, job.chat_id, "generation_complete", details, stored.blob_name)
    else:
        yield from notify(context, job.chat_id, "generation_failed", ids)
    context.set_custom_status({"stage": "finished", "generationId": job.generation_id})
    return GenerationResult(
        outcome=status,
        reason=stored.error,
        generation_id=job.generation_id,
        status=status,
        image_url=stored.image_url,
    ).dump()
