"""Generations on a chat's trained versions.

Called only by the chat entity, one operation at a time. Each transition returns the new state
and a JSON-ready outcome, and is idempotent: applying it twice, as a retried workflow step may,
gives the same state and outcome as applying it once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from calendary.domain import paths
from calendary.domain.chat_state import (
    ChatState,
    ChatStateError,
    GenerationAttempt,
    GenerationRecord,
    StateModel,
    WireTime,
)

GenerationCheck = Literal["ok", "unknown_training", "training_not_succeeded"]


def check_can_generate(state: ChatState, training_id: str) -> GenerationCheck:
    """404 vs 409 for the API: the training must be this chat's and must have succeeded."""
    record = state.training_by_id(training_id)
    if record is None:
        return "unknown_training"
    if record.status != "succeeded" or not record.version:
        return "training_not_succeeded"
    return "ok"


class GenerationRequest(StateModel):
    generation_id: str
    training_id: str
    prompt: str
    seed: int | None = None
    requested_at: WireTime
    trigger_word_added: bool = False


class GenerationAdded(StateModel):
    result: GenerationCheck
    generation: GenerationRecord | None = None
    version: str | None = None  # the trained version to run, when result == "ok"
    model_id: str | None = None  # its model (owner/name)


def add_generation(
    state: ChatState, request: GenerationRequest
) -> tuple[ChatState, GenerationAdded]:
    existing = state.generation(request.generation_id)
    training = state.training_by_id(request.training_id)
    if existing is not None:
        version = training.version if training else None
        model_id = training.model_id if training else None
        return state, GenerationAdded(
            result="ok", generation=existing, version=version, model_id=model_id
        )
    check = check_can_generate(state, request.training_id)
    if check != "ok" or training is None:
        return state, GenerationAdded(result=check)
    record = GenerationRecord(
        generation_id=paths.check_generation_id(request.generation_id),
        training_id=request.training_id,
        prompt=request.prompt,
        seed=request.seed,
        created_at=request.requested_at,
        trigger_word_added=request.trigger_word_added,
    )
    new_state = state.model_copy(update={"generations": (*state.generations, record)})
    return new_state, GenerationAdded(
        result="ok", generation=record, version=training.version, model_id=training.model_id
    )


def complete_generation(
    state: ChatState,
    generation_id: str,
    *,
    status: Literal["succeeded", "failed"],
    completed_at: datetime,
    image_url: str | None = None,
    output_seed: int | None = None,
    replicate_id: str | None = None,
    predict_time: float | None = None,
    hardware: str | None = None,
    likeness_distance: float | None = None,
    attempts: tuple[GenerationAttempt, ...] = (),
) -> tuple[ChatState, GenerationRecord]:
    record = state.generation(generation_id)
    if record is None:
        raise ChatStateError(f"no generation {generation_id}")
    if record.status != "pending":
        return state, record
    record = record.model_copy(
        update={
            "status": status,
            "completed_at": completed_at,
            "image_url": image_url,
            "output_seed": output_seed,
            "replicate_id": replicate_id,
            "predict_time": predict_time,
            "hardware": hardware,
            "likeness_distance": likeness_distance,
            "attempts": attempts,
        }
    )
    generations = tuple(
        record if g.generation_id == generation_id else g for g in state.generations
    )
    return state.model_copy(update={"generations": generations}), record
