"""The chat entity's operations: each one's name, request model, result model and transition.

The entity function only loads its state, calls `apply` and saves the result; workflows address
the same `Operation` constants (`chat_boundary.py`). Operation names and input shapes are a
persisted contract (queued operations and histories hold them).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from calendary.domain import chat_generations, chat_retention, chat_trainings, chat_uploads
from calendary.domain.chat_boundary import Operation
from calendary.domain.chat_state import (
    ChatState,
    ChatStateError,
    FinishedTrainingStatus,
    GenerationAttempt,
    GenerationRecord,
    StateModel,
    TrainingRecord,
    WireTime,
    wire_time,
)

Erased = Literal["erased"]
ERASED: Erased = "erased"


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
    completed_at: WireTime
    version: str | None = None
    error: str | None = None
    predict_time: float | None = None
    hardware: str | None = None


class GenerationCompleted(StateModel):
    generation_id: str
    status: Literal["succeeded", "failed"]
    completed_at: WireTime
    image_url: str | None = None
    output_seed: int | None = None
    replicate_id: str | None = None
    predict_time: float | None = None
    hardware: str | None = None
    likeness_distance: float | None = None
    attempts: tuple[GenerationAttempt, ...] = ()  # a likeness retry's two predictions (1.2)


def _register(s: ChatState, op: RegisterImages) -> tuple[ChatState, chat_uploads.Registration]:
    return chat_uploads.register_images(s, op.candidates, max_images=op.max_images)


def _face_distances(
    s: ChatState, op: RecordFaceDistances
) -> tuple[ChatState, chat_uploads.FaceDistancesRecorded]:
    return chat_uploads.record_face_distances(
        s, op.blob_names, op.distances, max_distance=op.max_distance
    )


def _reserve(s: ChatState, op: ReserveTraining) -> tuple[ChatState, chat_trainings.Reservation]:
    return chat_trainings.reserve_training(s, op.request, min_images=op.min_images)


def _started(s: ChatState, op: TrainingStarted) -> tuple[ChatState, TrainingRecord]:
    return chat_trainings.record_training_started(
        s, op.instance_id, training_id=op.training_id, archive_url=op.archive_url, status=op.status
    )


def _finished(s: ChatState, op: TrainingFinished) -> tuple[ChatState, TrainingRecord]:
    return chat_trainings.record_training_finished(
        s,
        op.instance_id,
        status=op.status,
        completed_at=wire_time(op.completed_at),
        version=op.version,
        error=op.error,
        predict_time=op.predict_time,
        hardware=op.hardware,
    )


def _generation_completed(
    s: ChatState, op: GenerationCompleted
) -> tuple[ChatState, GenerationRecord]:
    return chat_generations.complete_generation(
        s,
        op.generation_id,
        status=op.status,
        completed_at=wire_time(op.completed_at),
        image_url=op.image_url,
        output_seed=op.output_seed,
        replicate_id=op.replicate_id,
        predict_time=op.predict_time,
        hardware=op.hardware,
        likeness_distance=op.likeness_distance,
        attempts=op.attempts,
    )


REGISTER_IMAGES = Operation("register_images", RegisterImages, chat_uploads.Registration, _register)
RECORD_FACE_DISTANCES = Operation(
    "record_face_distances",
    RecordFaceDistances,
    chat_uploads.FaceDistancesRecorded,
    _face_distances,
)
RESERVE_TRAINING = Operation(
    "reserve_training", ReserveTraining, chat_trainings.Reservation, _reserve
)
RECORD_TRAINING_STARTED = Operation(
    "record_training_started", TrainingStarted, TrainingRecord, _started
)
RECORD_TRAINING_FINISHED = Operation(
    "record_training_finished", TrainingFinished, TrainingRecord, _finished
)
ADD_GENERATION = Operation(
    "add_generation",
    chat_generations.GenerationRequest,
    chat_generations.GenerationAdded,
    chat_generations.add_generation,
)
COMPLETE_GENERATION = Operation(
    "complete_generation", GenerationCompleted, GenerationRecord, _generation_completed
)
EXPIRE_DATA = Operation(
    "expire_data", chat_retention.ExpireRequest, chat_retention.Expired, chat_retention.expire
)
GET = Operation("get", None, ChatState, lambda s, _: (s, s))
# The whole record goes: what is left is a chat never seen. The entity also deletes its stored
# state (and answers without parsing it, so a record that no longer validates is erased too).
ERASE = Operation("erase", None, Erased, lambda s, _: (ChatState(chat_id=s.chat_id), ERASED))

OPERATIONS: dict[str, Operation[Any, Any]] = {
    op.name: op
    for op in (
        REGISTER_IMAGES,
        RECORD_FACE_DISTANCES,
        RESERVE_TRAINING,
        RECORD_TRAINING_STARTED,
        RECORD_TRAINING_FINISHED,
        ADD_GENERATION,
        COMPLETE_GENERATION,
        EXPIRE_DATA,
        GET,
        ERASE,
    )
}


def apply(
    chat_id: str, state: dict[str, Any] | None, operation: str, payload: Any
) -> tuple[dict[str, Any] | None, Any]:
    """Run one operation on the JSON state; returns (new JSON state, JSON result).

    A `get` of a chat without a record answers an empty chat and leaves no record: a read
    must not create state (retention tells "no record" from "an empty one" by it)."""
    if operation not in OPERATIONS:
        raise ChatStateError(f"unknown chat operation {operation!r}")
    current = ChatState.model_validate(state) if state else ChatState(chat_id=chat_id)
    if operation == GET.name and not state:
        return state, current.model_dump(mode="json")
    new_state, result = OPERATIONS[operation].apply(current, payload)
    answer = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    return new_state.model_dump(mode="json"), answer
