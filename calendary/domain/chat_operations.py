"""The chat entity's operations by name, JSON in and JSON out.

The entity function only loads its state, calls `apply` and saves the result; operation names
and input shapes are a persisted contract (queued operations replay against them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from calendary.domain import chat_generations, chat_retention, chat_trainings, chat_uploads
from calendary.domain.chat_state import (
    ChatState,
    ChatStateError,
    FinishedTrainingStatus,
    GenerationAttempt,
    StateModel,
)


class RegisterImages(StateModel):
    candidates: list[chat_uploads.ImageCandidate]
    max_images: int


class RecordFaceDistances(StateModel):
    blob_names: list[str]  # the set that was compared
    distances: dict[str, float]
    max_distance: float


class ReserveTraining(StateModel):
    request: chat_trainings.TrainingRequest
    min_images: int


class TrainingStarted(StateModel):
    instance_id: str
    training_id: str
    archive_url: str
    status: Literal["starting", "processing"] = "starting"


class TrainingFinished(StateModel):
    instance_id: str
    status: FinishedTrainingStatus
    completed_at: datetime
    version: str | None = None
    error: str | None = None
    predict_time: float | None = None
    hardware: str | None = None


class GenerationCompleted(StateModel):
    generation_id: str
    status: Literal["succeeded", "failed"]
    completed_at: datetime
    image_url: str | None = None
    output_seed: int | None = None
    replicate_id: str | None = None
    predict_time: float | None = None
    hardware: str | None = None
    likeness_distance: float | None = None
    attempts: tuple[GenerationAttempt, ...] = ()  # a likeness retry's two predictions (1.2)


Handler = Callable[[ChatState, Any], tuple[ChatState, BaseModel]]


def _register(s: ChatState, op: RegisterImages) -> tuple[ChatState, BaseModel]:
    return chat_uploads.register_images(s, op.candidates, max_images=op.max_images)


def _face_distances(s: ChatState, op: RecordFaceDistances) -> tuple[ChatState, BaseModel]:
    return chat_uploads.record_face_distances(
        s, op.blob_names, op.distances, max_distance=op.max_distance
    )


def _reserve(s: ChatState, op: ReserveTraining) -> tuple[ChatState, BaseModel]:
    return chat_trainings.reserve_training(s, op.request, min_images=op.min_images)


def _started(s: ChatState, op: TrainingStarted) -> tuple[ChatState, BaseModel]:
    return chat_trainings.record_training_started(
        s, op.instance_id, training_id=op.training_id, archive_url=op.archive_url, status=op.status
    )


def _finished(s: ChatState, op: TrainingFinished) -> tuple[ChatState, BaseModel]:
    return chat_trainings.record_training_finished(
        s,
        op.instance_id,
        status=op.status,
        completed_at=op.completed_at,
        version=op.version,
        error=op.error,
        predict_time=op.predict_time,
        hardware=op.hardware,
    )


def _generation_completed(s: ChatState, op: GenerationCompleted) -> tuple[ChatState, BaseModel]:
    return chat_generations.complete_generation(
        s,
        op.generation_id,
        status=op.status,
        completed_at=op.completed_at,
        image_url=op.image_url,
        output_seed=op.output_seed,
        replicate_id=op.replicate_id,
        predict_time=op.predict_time,
        hardware=op.hardware,
        likeness_distance=op.likeness_distance,
        attempts=op.attempts,
    )


OPERATIONS: dict[str, tuple[type[BaseModel] | None, Handler]] = {
    "register_images": (RegisterImages, _register),
    "record_face_distances": (RecordFaceDistances, _face_distances),
    "reserve_training": (ReserveTraining, _reserve),
    "record_training_started": (TrainingStarted, _started),
    "record_training_finished": (TrainingFinished, _finished),
    "add_generation": (chat_generations.GenerationRequest, chat_generations.add_generation),
    "complete_generation": (GenerationCompleted, _generation_completed),
    "expire_data": (chat_retention.ExpireRequest, chat_retention.expire),
    "get": (None, lambda s, _: (s, s)),
}


def apply(
    chat_id: str, state: dict[str, Any] | None, operation: str, payload: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one operation on the JSON state; returns (new JSON state, JSON result)."""
    if operation not in OPERATIONS:
        raise ChatStateError(f"unknown chat operation {operation!r}")
    current = ChatState.model_validate(state) if state else ChatState(chat_id=chat_id)
    input_model, handler = OPERATIONS[operation]
    parsed = input_model.model_validate(payload) if input_model else None
    new_state, result = handler(current, parsed)
    return new_state.model_dump(mode="json"), result.model_dump(mode="json")
