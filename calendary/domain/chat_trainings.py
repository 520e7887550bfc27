"""The chat's single training slot and the lifecycle of its trainings.

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
    FinishedTrainingStatus,
    StateModel,
    TrainingRecord,
    WireTime,
)

ReservationResult = Literal["reserved", "training_active", "not_enough_images"]

# The chat record knows three ends of a training; Replicate and the workflow's timer know more.
_RECORDED_STATUS: dict[str, FinishedTrainingStatus] = {
    "succeeded": "succeeded",
    "failed": "failed",
    "canceled": "canceled",
    "aborted": "canceled",
}


def recorded_status(status: str) -> FinishedTrainingStatus:
    """How the record keeps an end: "aborted" (never started) is a cancel, and any other end it
    does not know (a timeout, say) a failure."""
    return _RECORDED_STATUS.get(status, "failed")


class TrainingRequest(StateModel):
    instance_id: str
    owner: str
    trigger_word: str
    steps: int
    description: str = ""
    requested_at: WireTime


class Reservation(StateModel):
    result: ReservationResult
    training: TrainingRecord | None = None  # the reserved record when result == "reserved"
    active_instance_id: str | None = None  # the holder when result == "training_active"
    image_count: int


def reserve_training(
    state: ChatState, request: TrainingRequest, *, min_images: int
) -> tuple[ChatState, Reservation]:
    """Take the chat's single training slot. Of two racing requests, the first applied wins."""
    count = len(state.images)
    mine = state.training_by_instance(request.instance_id)
    if mine is not None:
        return state, Reservation(result="reserved", training=mine, image_count=count)
    if state.active_training is not None:
        return state, Reservation(
            result="training_active", active_instance_id=state.active_training, image_count=count
        )
    if count < min_images:
        return state, Reservation(result="not_enough_images", image_count=count)
    number = len(state.trainings) + 1
    record = TrainingRecord(
        instance_id=request.instance_id,
        number=number,
        model_id=paths.model_name(request.owner, state.chat_id, number, request.instance_id),
        status="reserved",
        trigger_word=request.trigger_word,
        steps=request.steps,
        description=request.description,
        created_at=request.requested_at,
    )
    new_state = state.model_copy(
        update={"trainings": (*state.trainings, record), "active_training": record.instance_id}
    )
    return new_state, Reservation(result="reserved", training=record, image_count=count)


def _replace_training(state: ChatState, record: TrainingRecord) -> ChatState:
    trainings = tuple(record if t.instance_id == record.instance_id else t for t in state.trainings)
    active = state.active_training
    if active == record.instance_id and not record.is_active:
        active = None
    return state.model_copy(update={"trainings": trainings, "active_training": active})


def _training(state: ChatState, instance_id: str) -> TrainingRecord:
    record = state.training_by_instance(instance_id)
    if record is None:
        raise ChatStateError(f"no training reserved by instance {instance_id}")
    return record


def record_training_started(
    state: ChatState,
    instance_id: str,
    *,
    training_id: str,
    archive_url: str,
    status: Literal["starting", "processing"] = "starting",
) -> tuple[ChatState, TrainingRecord]:
    record = _training(state, instance_id)
    if not record.is_active:  # a finished training never goes back to running
        return state, record
    record = record.model_copy(
        update={"training_id": training_id, "archive_url": archive_url, "status": status}
    )
    return _replace_training(state, record), record


def record_training_finished(
    state: ChatState,
    instance_id: str,
    *,
    status: FinishedTrainingStatus,
    completed_at: datetime,
    version: str | None = None,
    error: str | None = None,
    predict_time: float | None = None,
    hardware: str | None = None,
) -> tuple[ChatState, TrainingRecord]:
    """Record the outcome and free the slot. The first outcome wins; late repeats change nothing."""
    record = _training(state, instance_id)
    if not record.is_active:
        return state, record
    record = record.model_copy(
        update={
            "status": status,
            "version": version,
            "error": error,
            "completed_at": completed_at,
            "predict_time": predict_time,
            "hardware": hardware,
        }
    )
    return _replace_training(state, record), record
