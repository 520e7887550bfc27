"""Version 1.2 of a generation: a low likeness is retried once with a new seed, the better kept.

Runs only when the input carries `likeness_retry_above` (the setting LikenessRetry) and the
first image's face is farther than that from the training photos. The seed comes from
`new_uuid()`, so a replay asks for the same one; the rules are in `calendary.domain.likeness_retry`.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any, NamedTuple

import azure.durable_functions as df

from activities.contracts import Likeness, ScoreLikenessInput
from activities.photo_checks import score_likeness
from calendary.domain.chat_generations import GenerationAdded
from calendary.domain.chat_state import GenerationAttempt
from calendary.domain.likeness_retry import keeps_second, retry_seed
from orchestrators import policies
from orchestrators.contracts import GenerationJob, GenerationProgress
from orchestrators.generation_attempt import Attempt, predict_and_store
from orchestrators.steps import run

log = logging.getLogger(__name__)


class Retried(NamedTuple):
    kept: Attempt
    likeness: Likeness  # of the kept image
    first_distance: float | None
    attempts: tuple[GenerationAttempt, ...]  # first, second
    predict_time: float | None  # both predictions: both are billed
    completed_at: str | None  # the second's: the generation ended when the retry did


def _both(a: float | None, b: float | None) -> float | None:
    return None if a is None and b is None else (a or 0.0) + (b or 0.0)


def retry_low_likeness(
    context: df.DurableOrchestrationContext,
    job: GenerationJob,
    added: GenerationAdded,
    first: Attempt,
    first_likeness: Likeness,
    score: ScoreLikenessInput,
) -> Generator[Any, Any, Retried]:
    """`score` is the first image's scoring request: the second is scored against the same
    training photos."""
    seed = retry_seed(context.new_uuid())
    context.set_custom_status(
        GenerationProgress(stage="retrying", generation_id=job.generation_id).dump()
    )
    if not context.is_replaying:
        log.info(
            "likeness low, retrying chat_id=%s instance_id=%s distance=%s",
            job.chat_id,
            context.instance_id,
            first_likeness.distance,
        )
    second = yield from predict_and_store(context, job, added, seed=seed, attempt=2)
    second_likeness = Likeness()
    if second.stored.ok:
        again = score.model_copy(update={"image_blob": second.stored.blob_name})
        second_likeness = yield from run(
            context, score_likeness, policies.ANALYSIS, again, Likeness
        )
    second_kept = keeps_second(first_likeness.distance, second_likeness.distance)
    attempts = tuple(
        GenerationAttempt(
            seed=a.seed,
            replicate_id=a.prediction.id or None,
            likeness_distance=likeness.distance,
            kept=kept,
        )
        for a, likeness, kept in (
            (first, first_likeness, not second_kept),
            (second, second_likeness, second_kept),
        )
    )
    return Retried(
        kept=second if second_kept else first,
        likeness=second_likeness if second_kept else first_likeness,
        first_distance=first_likeness.distance,
        attempts=attempts,
        predict_time=_both(first.prediction.predict_time, second.prediction.predict_time),
        completed_at=second.prediction.completed_at,
    )
