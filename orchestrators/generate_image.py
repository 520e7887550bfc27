"""Generation: run the prompt on the trained version, keep the image before Replicate drops it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from activities.contracts import Likeness, ScoreLikenessInput
from activities.photo_checks import score_likeness
from calendary.domain import chat_operations as ops
from calendary.domain.chat_generations import GenerationRequest
from calendary.domain.chat_uploads import likeness_reference
from calendary.domain.likeness_retry import should_retry
from orchestrators import policies
from orchestrators.chat_records import read_chat, record, record_generation_completed
from orchestrators.contracts import GenerationJob, GenerationProgress, GenerationResult
from orchestrators.generation_attempt import predict_and_store
from orchestrators.likeness_retry import Retried, retry_low_likeness
from orchestrators.steps import notify, run
from orchestrators.versions import LIKENESS_RETRY, PHOTO_CHECKS, at_least

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

    context.set_custom_status(
        GenerationProgress(stage="generating", generation_id=job.generation_id).dump()
    )
    first = yield from predict_and_store(context, job, added, seed=job.seed)
    prediction, stored = first.prediction, first.stored
    likeness = Likeness()
    checks = at_least(context.version, PHOTO_CHECKS)
    retried: Retried | None = None
    if stored.ok and checks:
        chat = yield from read_chat(context, job.chat_id)
        score = ScoreLikenessInput(
            chat_id=job.chat_id,
            image_blob=stored.blob_name,
            reference_blobs=likeness_reference(chat, job.training_id),
        )
        likeness = yield from run(context, score_likeness, policies.ANALYSIS, score, Likeness)
        # Version 1.2: 1.1 instances carry no threshold and scored once, so they never retry.
        if at_least(context.version, LIKENESS_RETRY) and should_retry(
            likeness.distance, job.likeness_retry_above
        ):
            retried = yield from retry_low_likeness(context, job, added, first, likeness, score)
            prediction, stored, likeness = (
                retried.kept.prediction,
                retried.kept.stored,
                retried.likeness,
            )
    status = "succeeded" if stored.ok else "failed"
    # Only what was always sent: no likeness_distance from 1.0, attempts only after a retry.
    sent: dict[str, Any] = {"likeness_distance": likeness.distance} if checks else {}
    completed_at = prediction.completed_at or context.current_utc_datetime
    predict_time = prediction.predict_time
    if retried is not None:
        predict_time = retried.predict_time
        completed_at = retried.completed_at or completed_at
        sent["attempts"] = retried.attempts
    completed = ops.GenerationCompleted(
        generation_id=job.generation_id,
        status=status,
        completed_at=completed_at,
        image_url=stored.image_url or None,
        output_seed=prediction.output_seed,
        replicate_id=prediction.id or None,
        predict_time=predict_time,
        hardware=prediction.hardware,
        **sent,
    )
    yield from record_generation_completed(context, job.chat_id, completed)
    ids = {"generation_id": job.generation_id, "training_id": job.training_id}
    if stored.ok:
        details = {**ids, "image_url": "", "seed": prediction.output_seed}
        if likeness.distance is not None:
            details |= {"likeness": likeness.distance, "likeness_low": likeness.below_threshold}
        if retried is not None:
            details["likeness_first"] = retried.first_distance
        yield from notify(context, job.chat_id, "generation_complete", details, stored.blob_name)
    else:
        yield from notify(context, job.chat_id, "generation_failed", ids)
    context.set_custom_status(
        GenerationProgress(stage="finished", generation_id=job.generation_id).dump()
    )
    return GenerationResult(
        outcome=status,
        reason=stored.error,
        generation_id=job.generation_id,
        status=status,
        image_url=stored.image_url,
    ).dump()
