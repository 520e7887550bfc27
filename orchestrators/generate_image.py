"""Generation: run the prompt on the trained version, keep the image before Replicate drops it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from activities.chat_record import record_generation
from activities.contracts import Likeness, RecordGenerationInput, ScoreLikenessInput
from activities.photo_checks import score_likeness
from calendary.domain.chat_state import ChatState
from calendary.domain.chat_uploads import likeness_reference
from calendary.domain.likeness_retry import should_retry
from orchestrators import policies
from orchestrators.contracts import GenerationJob, GenerationResult
from orchestrators.generation_attempt import predict_and_store
from orchestrators.likeness_retry import Retried, retry_low_likeness
from orchestrators.steps import notify, read_chat, run, update_chat
from orchestrators.versions import LIKENESS_RETRY, PHOTO_CHECKS, at_least

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context")
def generate_image(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    job = GenerationJob.model_validate(context.get_input())
    added = yield from update_chat(
        context,
        job.chat_id,
        "add_generation",
        {
            "generation_id": job.generation_id,
            "training_id": job.training_id,
            "prompt": job.prompt,
            "seed": job.seed,
            "requested_at": context.current_utc_datetime.isoformat(),
            "trigger_word_added": job.trigger_word_added,
        },
    )
    if added["result"] != "ok":
        return GenerationResult(
            outcome="rejected", reason=added["result"], generation_id=job.generation_id
        ).dump()

    context.set_custom_status({"stage": "generating", "generationId": job.generation_id})
    first = yield from predict_and_store(context, job, added, seed=job.seed)
    prediction, stored = first.prediction, first.stored
    likeness = Likeness()
    checks = at_least(context.version, PHOTO_CHECKS)
    retried: Retried | None = None
    if stored.ok and checks:
        chat = ChatState.model_validate((yield from read_chat(context, job.chat_id)))
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
    completed = {
        "generation_id": job.generation_id,
        "status": status,
        "completed_at": prediction.completed_at or context.current_utc_datetime.isoformat(),
        "image_url": stored.image_url or None,
        "output_seed": prediction.output_seed,
        "replicate_id": prediction.id or None,
        "predict_time": prediction.predict_time,
        "hardware": prediction.hardware,
    }
    if checks:  # 1.0 instances send what they always sent
        completed["likeness_distance"] = likeness.distance
    if retried is not None:
        completed["predict_time"] = retried.predict_time
        completed["completed_at"] = retried.completed_at or completed["completed_at"]
        completed["attempts"] = [a.model_dump(mode="json") for a in retried.attempts]
    generation = yield from update_chat(context, job.chat_id, "complete_generation", completed)
    yield context.call_activity_with_retry(
        record_generation,
        policies.STORAGE,
        RecordGenerationInput(chat_id=job.chat_id, generation=generation).dump(),
    )
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
    context.set_custom_status({"stage": "finished", "generationId": job.generation_id})
    return GenerationResult(
        outcome=status,
        reason=stored.error,
        generation_id=job.generation_id,
        status=status,
        image_url=stored.image_url,
    ).dump()
