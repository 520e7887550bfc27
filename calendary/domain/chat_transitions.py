"""Pure transitions of `ChatState`. The chat entity is their only caller, one operation at a time.

Each returns the new state and an outcome model (JSON-ready, the entity hands it back to the
workflow). Every transition is idempotent: applying an operation twice, as a retried workflow
step may do, gives the same state and outcome as applying it once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from calendary.domain import paths
from calendary.domain.chat_state import (
    ChatState,
    FinishedTrainingStatus,
    GenerationRecord,
    StateModel,
    TrainingRecord,
    UploadedImage,
)


class ChatStateError(ValueError):
    """An operation that does not fit the state (unknown ids): a caller bug, not user input."""


# ---- uploads -------------------------------------------------------------------------------------

SkipReason = Literal["duplicate_content", "duplicate_source", "chat_limit"]


class ImageCandidate(StateModel):
    """An image already stored under `blob_name`, offered for the chat's record."""

    index: int  # position in the request, echoed back in `skipped`
    blob_name: str
    size_bytes: int
    sha256: str
    source_id: str | None = None
    uploaded_at: datetime


class SkippedImage(StateModel):
    index: int
    blob_name: str
    reason: SkipReason
    duplicate_of: str | None = None


class Registration(StateModel):
    accepted: tuple[UploadedImage, ...]
    skipped: tuple[SkippedImage, ...]
    image_count: int


def register_images(
    state: ChatState, candidates: list[ImageCandidate], *, max_images: int
) -> tuple[ChatState, Registration]:
    """Add new images; skip repeats by content hash or Telegram sourceId, and those over the limit.

    A candidate whose blob is already recorded is reported as accepted again (a retried call).
    Skipped candidates' blobs are the caller's to delete; the record never points at them.
    """
    images = list(state.images)
    by_blob = {i.blob_name: i for i in images}
    by_hash = {i.sha256: i.blob_name for i in images}
    by_source = {i.source_id: i.blob_name for i in images if i.source_id}
    accepted: list[UploadedImage] = []
    skipped: list[SkippedImage] = []
    for c in sorted(candidates, key=lambda c: c.index):
        if c.blob_name in by_blob:
            accepted.append(by_blob[c.blob_name])
            continue
        reason: SkipReason | None = None
        twin: str | None = None
        if c.source_id and c.source_id in by_source:
            reason, twin = "duplicate_source", by_source[c.source_id]
        elif c.sha256 in by_hash:
            reason, twin = "duplicate_content", by_hash[c.sha256]
        elif len(images) >= max_images:
            reason = "chat_limit"
        if reason is not None:
            skipped.append(
                SkippedImage(index=c.index, blob_name=c.blob_name, reason=reason, duplicate_of=twin)
            )
            continue
        image = UploadedImage(
            blob_name=c.blob_name,
            size_bytes=c.size_bytes,
            sha256=c.sha256,
            source_id=c.source_id,
            uploaded_at=c.uploaded_at,
        )
        images.append(image)
        by_blob[image.blob_name] = image
        by_hash[image.sha256] = image.blob_name
        if image.source_id:
            by_source[image.source_id] = image.blob_name
        accepted.append(image)
    new_state = state.model_copy(update={"images": tuple(images)})
    return new_state, Registration(
        accepted=tuple(accepted), skipped=tuple(skipped), image_count=len(images)
    )


# ---- trainings -----------------------------------------------------------------------------------

ReservationResult = Literal["reserved", "training_active", "not_enough_images"]


class TrainingRequest(StateModel):
    instance_id: str
    owner: str
    trigger_word: str
    steps: int
    description: str = ""
    requested_at: datetime


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
        model_id=paths.model_name(request.owner, state.chat_id, number),
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
        }
    )
    return _replace_training(state, record), record


def record_training_failed(
    state: ChatState, instance_id: str, *, error: str, completed_at: datetime
) -> tuple[ChatState, TrainingRecord]:
    """A training that failed, also before Replicate ever saw it (e.g. the archive step failed)."""
    return record_training_finished(
        state, instance_id, status="failed", completed_at=completed_at, error=error
    )


# ---- generations ---------------------------------------------------------------------------------

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
    requested_at: datetime


class GenerationAdded(StateModel):
    result: GenerationCheck
    generation: GenerationRecord | None = None
    version: str | None = None  # the trained version to run, when result == "ok"


def add_generation(
    state: ChatState, request: GenerationRequest
) -> tuple[ChatState, GenerationAdded]:
    existing = state.generation(request.generation_id)
    training = state.training_by_id(request.training_id)
    if existing is not None:
        version = training.version if training else None
        return state, GenerationAdded(result="ok", generation=existing, version=version)
    check = check_can_generate(state, request.training_id)
    if check != "ok" or training is None:
        return state, GenerationAdded(result=check)
    record = GenerationRecord(
        generation_id=paths.check_generation_id(request.generation_id),
        training_id=request.training_id,
        prompt=request.prompt,
        seed=request.seed,
        created_at=request.requested_at,
    )
    new_state = state.model_copy(update={"generations": (*state.generations, record)})
    return new_state, GenerationAdded(result="ok", generation=record, version=training.version)


def complete_generation(
    state: ChatState,
    generation_id: str,
    *,
    status: Literal["succeeded", "failed"],
    completed_at: datetime,
    image_url: str | None = None,
    output_seed: int | None = None,
    replicate_id: str | None = None,
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
        }
    )
    generations = tuple(
        record if g.generation_id == generation_id else g for g in state.generations
    )
    return state.model_copy(update={"generations": generations}), record
