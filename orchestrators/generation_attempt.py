"""One prediction of a generation: create it, wait for it, copy its image out of Replicate.

A generation runs this once, and a second time when version 1.2 retries a low likeness; the
first attempt schedules exactly what 1.0 and 1.1 instances recorded.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any, NamedTuple

import azure.durable_functions as df

from activities.contracts import CreatePredictionInput, ReplicateJob, StoredImage, StoreImageInput
from activities.generated_images import store_generated_image
from activities.replicate_predictions import (
    cancel_prediction,
    check_prediction,
    create_prediction,
)
from calendary.domain.chat_generations import GenerationAdded
from orchestrators import policies
from orchestrators.contracts import GenerationJob
from orchestrators.replicate_wait import await_replicate_job
from orchestrators.steps import run

# Why the generation failed when its image could not be kept (the workflow output's reason).
STORE_FAILED = "the image could not be stored"


class Attempt(NamedTuple):
    prediction: ReplicateJob
    stored: StoredImage
    seed: int | None  # the seed it ran with: Replicate's log line, else the one asked for


def predict_and_store(
    context: df.DurableOrchestrationContext,
    job: GenerationJob,
    added: GenerationAdded,
    *,
    seed: int | None,
    attempt: int = 1,
) -> Generator[Any, Any, Attempt]:
    """`added` is the chat entity's answer to `add_generation`: the trained version to run."""
    request = CreatePredictionInput(
        chat_id=job.chat_id,
        generation_id=job.generation_id,
        instance_id=context.instance_id,
        version=added.version,
        model=added.model_id or "",
        prompt=job.prompt,
        seed=seed,
        aspect_ratio=job.aspect_ratio,
        num_inference_steps=job.num_inference_steps,
        requested_at=context.current_utc_datetime,
        attempt=attempt,
    )
    prediction = yield from run(
        context, create_prediction, policies.REPLICATE, request, ReplicateJob
    )
    if not prediction.is_terminal:
        prediction = yield from await_replicate_job(
            context,
            check_activity=check_prediction,
            cancel_activity=cancel_prediction,
            job_id=prediction.id,
            timeout=timedelta(seconds=job.timeout_seconds),
            max_checks=job.max_checks,
        )

    stored = StoredImage(ok=False, error=prediction.error or prediction.status)
    if prediction.status == "succeeded" and prediction.output_url:
        copy = StoreImageInput(
            chat_id=job.chat_id,
            generation_id=job.generation_id,
            output_url=prediction.output_url,
            prompt=job.prompt,
            attempt=attempt,
        )
        try:
            stored = yield from run(
                context, store_generated_image, policies.STORAGE, copy, StoredImage
            )
        except Exception:  # storage gave up: the generation fails as recorded and told, not
            # pending forever. Only this failure path schedules anything new, so every history
            # whose copy succeeded replays unchanged.
            stored = StoredImage(ok=False, error=STORE_FAILED)
    used = prediction.output_seed if prediction.output_seed is not None else seed
    return Attempt(prediction=prediction, stored=stored, seed=used)
