"""The per-chat record the chat entity keeps: uploads, trainings, generations.

Everything here is plain data that round-trips through JSON, because the entity's state crosses the
Durable boundary as JSON. Transitions live in `chat_uploads.py`, `chat_trainings.py` and
`chat_generations.py`; `chat_operations.py` names them for the entity.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, TypeAdapter

from calendary.domain.photo_checks import PhotoAnalysis, passes

TrainingStatus = Literal["reserved", "starting", "processing", "succeeded", "failed", "canceled"]
FinishedTrainingStatus = Literal["succeeded", "failed", "canceled"]
GenerationStatus = Literal["pending", "succeeded", "failed"]
ACTIVE_TRAINING_STATUSES: frozenset[str] = frozenset({"reserved", "starting", "processing"})

_TIME = TypeAdapter(datetime, config=ConfigDict(defer_build=True))  # built on first use


def _as_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _a_time(text: str) -> str:
    _TIME.validate_python(text)  # refuses text that is no time
    return text


# A time in an operation's input, kept as the text the workflow sent. Workflows send their clock
# as `datetime.isoformat()` ("+00:00"; pydantic would write "Z") and pass Replicate's times on
# as they came; queued operations and histories hold that text. `wire_time` reads it.
WireTime = Annotated[str, BeforeValidator(_as_text), AfterValidator(_a_time)]


def wire_time(text: str) -> datetime:
    return _TIME.validate_python(text)


class ChatStateError(ValueError):
    """An operation that does not fit the state (unknown ids): a caller bug, not user input."""


class StateModel(BaseModel):
    # Unknown keys are ignored so state persisted by an older build still loads.
    model_config = ConfigDict(
        frozen=True, extra="ignore", defer_build=True
    )  # validators built on first use, not at import


class StoredPhoto(StateModel):
    blob_name: str
    size_bytes: int
    sha256: str
    source_id: str | None = None
    uploaded_at: datetime
    analysis: PhotoAnalysis | None = None  # None: stored before photos were checked

    @property
    def file_name(self) -> str:
        return self.blob_name.rsplit("/", 1)[-1]


class TrainingRecord(StateModel):
    instance_id: str
    number: int
    model_id: str
    status: TrainingStatus
    trigger_word: str
    steps: int
    description: str = ""
    training_id: str | None = None
    version: str | None = None
    archive_url: str | None = None
    error: str | None = None
    created_at: datetime
    completed_at: datetime | None = None
    predict_time: float | None = None  # compute seconds Replicate billed
    hardware: str | None = None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TRAINING_STATUSES


class GenerationAttempt(StateModel):
    """One prediction of a generation retried for a low likeness (version 1.2)."""

    seed: int | None = None  # the seed the prediction ran with
    replicate_id: str | None = None
    likeness_distance: float | None = None  # None: no image, or no face in it
    kept: bool = False  # its image is the generation's


class GenerationRecord(StateModel):
    generation_id: str
    training_id: str
    prompt: str
    seed: int | None = None
    output_seed: int | None = None
    replicate_id: str | None = None
    image_url: str | None = None
    status: GenerationStatus = "pending"
    # Distance of the generated face from the training photos' centre (lower is more alike);
    # None when not measured (no face in the image, or generated before likeness was scored).
    likeness_distance: float | None = None
    # Both predictions, in the order they ran, when a low likeness was retried; else empty.
    attempts: tuple[GenerationAttempt, ...] = ()
    created_at: datetime
    completed_at: datetime | None = None
    # The training's trigger word was put before the user's prompt (`prompt` is what ran).
    trigger_word_added: bool = False
    predict_time: float | None = None
    hardware: str | None = None


class RetentionRecord(StateModel):
    """What the retention limits removed from the chat so far (counts only) and when last."""

    images: int = 0
    generations: int = 0
    archives_removed_at: datetime | None = None
    last_removed_at: datetime


class ChatState(StateModel):
    chat_id: str
    images: tuple[StoredPhoto, ...] = ()
    trainings: tuple[TrainingRecord, ...] = ()
    # Instance id of the training workflow holding the chat's single training slot.
    active_training: str | None = None
    generations: tuple[GenerationRecord, ...] = ()
    retention: RetentionRecord | None = None

    def training_by_instance(self, instance_id: str) -> TrainingRecord | None:
        return next((t for t in self.trainings if t.instance_id == instance_id), None)

    def training_by_id(self, training_id: str) -> TrainingRecord | None:
        """Look up by Replicate's training id, the id the API hands out."""
        return next((t for t in self.trainings if t.training_id == training_id), None)

    def generation(self, generation_id: str) -> GenerationRecord | None:
        return next((g for g in self.generations if g.generation_id == generation_id), None)

    @property
    def last_upload_at(self) -> datetime | None:
        return max((i.uploaded_at for i in self.images), default=None)

    @property
    def passing_images(self) -> tuple[StoredPhoto, ...]:
        """Photos the gate counts: not rejected by the photo checks (unchecked ones count)."""
        return tuple(i for i in self.images if passes(i.analysis))


class TrainingSummary(StateModel):
    training_id: str | None
    model_id: str
    status: TrainingStatus
    version: str | None
    instance_id: str
    created_at: datetime
    completed_at: datetime | None


class ChatSummary(StateModel):
    """What the status endpoint reports for a chat."""

    chat_id: str
    image_count: int
    last_upload_at: datetime | None
    generation_count: int
    training_active: bool
    latest_training: TrainingSummary | None
    compute_seconds: float  # predict_time of every training and generation of the chat


def summarize(state: ChatState) -> ChatSummary:
    latest = state.trainings[-1] if state.trainings else None
    return ChatSummary(
        chat_id=state.chat_id,
        image_count=len(state.images),
        last_upload_at=state.last_upload_at,
        generation_count=len(state.generations),
        training_active=state.active_training is not None,
        compute_seconds=round(
            sum(j.predict_time or 0.0 for j in (*state.trainings, *state.generations)), 3
        ),
        latest_training=None
        if latest is None
        else TrainingSummary(
            training_id=latest.training_id,
            model_id=latest.model_id,
            status=latest.status,
            version=latest.version,
            instance_id=latest.instance_id,
            created_at=latest.created_at,
            completed_at=latest.completed_at,
        ),
    )
