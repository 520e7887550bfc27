"""Inputs and outputs of every activity: the JSON that crosses the Durable boundary.

Field names are persisted in orchestration histories; in-flight instances replay against them, so
rename nothing without a migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from calendary.domain.image_urls import redact_urls_in
from calendary.domain.notifications import MessageType
from calendary.domain.replicate_job import ReplicateJob

# Part of the activities' contract, defined with the domain rules.
__all__ = ["MessageType", "ReplicateJob"]


class Contract(BaseModel):
    # defer_build: each model's validator is built when first used, not when the worker
    # imports the app to index it (about 40 models; building them all was most of the import).
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class FetchImageInput(Contract):
    chat_id: str
    index: int
    pending_blob: str  # the URL is read from there: it carries the bot token
    display_url: str  # redacted, for logs
    source_id: str | None = None
    blob_name: str


class FetchedImage(Contract):
    index: int
    ok: bool
    blob_name: str = ""
    url: str = ""  # plain blob URL, never a SAS
    size_bytes: int = 0
    sha256: str = ""
    source_id: str | None = None
    reason: str = ""


class DeleteBlobsInput(Contract):
    blob_names: list[str]


class WriteIndexInput(Contract):
    chat_id: str
    state: dict[str, Any]  # the chat entity's record
    revision: int  # the entity's revision of that record: older renderings never win


class BuildArchiveInput(Contract):
    chat_id: str
    blob_names: list[str]
    archive_name: str
    at: str  # the workflow's time, stamped on every zip entry so a rebuild is byte-identical


class ArchiveBuilt(Contract):
    blob_name: str
    url: str  # plain blob URL, never a SAS
    image_count: int
    size_bytes: int


class CreateModelInput(Contract):
    model_id: str
    description: str


class ModelReady(Contract):
    ok: bool
    model_id: str
    error: str = ""

    @field_validator("error")
    @classmethod
    def _no_links(cls, error: str) -> str:
        return redact_urls_in(error)


class StartTrainingInput(Contract):
    chat_id: str
    instance_id: str
    model_id: str
    archive_blob: str
    trigger_word: str
    steps: int


StartOutcome = Literal["refused", "started", "already_ended"]


class TrainingStart(ReplicateJob):
    """`start_training`'s answer: the ReplicateJob it always returned, read with a named outcome."""

    @property
    def outcome(self) -> StartOutcome:
        """refused: Replicate would not create it (it has no id), so nothing runs; already_ended:
        found after a lost create answer, and it has ended; started: it runs, await its end."""
        if not self.is_terminal:
            return "started"
        return "already_ended" if self.id else "refused"


class JobRef(Contract):
    id: str


class RecordTrainingInput(Contract):
    chat_id: str
    training: dict[str, Any]  # a TrainingRecord of the chat entity


class Attempted(Contract):
    """A step of one generation that version 1.2 may run a second time (a likeness retry).

    `attempt` is left out of the JSON while it is 1, so a first attempt's input is exactly what
    1.0 and 1.1 instances recorded in their histories.
    """

    attempt: int = 1

    @model_serializer(mode="wrap")
    def _first_attempt_as_before(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("attempt") == 1:
            del data["attempt"]
        return data


class CreatePredictionInput(Attempted):
    chat_id: str
    generation_id: str
    instance_id: str
    version: str
    model: str = ""  # owner/name of the trained version: its schema is read from there
    prompt: str
    seed: int | None = None
    aspect_ratio: str
    num_inference_steps: int
    # When the workflow asked for the prediction: bounds the lookup of one created before a lost
    # answer when Replicate does not show its webhook.
    requested_at: datetime | None = None


class StoreImageInput(Attempted):
    chat_id: str
    generation_id: str
    output_url: str
    prompt: str


class StoredImage(Contract):
    ok: bool
    blob_name: str = ""
    image_url: str = ""
    size_bytes: int = 0
    error: str = ""


class RecordGenerationInput(Contract):
    chat_id: str
    generation: dict[str, Any]  # a GenerationRecord of the chat entity


class SendNotificationInput(Contract):
    chat_id: str
    message_type: MessageType
    details: dict[str, Any] = {}  # the facts the message names (ids, counts); never a secret
    image_blob: str | None = None  # turned into a short-lived link inside the activity


# Erasing a chat (orchestrators/erase_chat.py) -------------------------------------------------


class StopWorkflowsInput(Contract):
    chat_id: str
    erase_instance_id: str  # this erase: never stopped or purged by itself
    legacy_instance_ids: list[str] = []
    legacy_upload_batches: list[str] = []


class WorkflowsStopped(Contract):
    instance_ids: list[str]  # every instance of the chat found, this erase's own left out
    stopped: int


class CancelJobsInput(Contract):
    chat_id: str
    training_ids: list[str] = []
    prediction_ids: list[str] = []


class JobsCanceled(Contract):
    canceled: int


class ChatRef(Contract):
    chat_id: str


class BlobsErased(Contract):
    blobs: int


class RowsErased(Contract):
    trainings: int
    generations: int
    deliveries: int


class NotificationsErased(Contract):
    notifications: int


class DeleteModelsInput(Contract):
    model_ids: list[str]


class ModelsDeleted(Contract):
    versions: int
    models: int


class PurgeHistoriesInput(Contract):
    chat_id: str
    erase_instance_id: str
    instance_ids: list[str]


class HistoriesPurged(Contract):
    instances: int


class RecordErasureInput(Contract):
    erasure_id: str  # from new_uuid(): the audit row's key, with nothing of the chat in it
    chat_hash: str
    started_at: datetime
    finished_at: datetime
    counts: dict[str, int]
    outcome: str


class ErasureRecorded(Contract):
    row_key: str


class DeleteExpiredBlobsInput(Contract):
    chat_id: str
    blob_names: list[str]  # photos the record no longer lists
    generation_ids: list[str]  # their image and prompt blobs go
    archives_before: datetime | None = None  # archives built before this go (None: keep all)


class ExpiredBlobsDeleted(Contract):
    photos: int
    faces: int = 0  # face embeddings of those photos (paths.face_blob_name)
    generated: int
    archives: int


class DeleteGenerationRowsInput(Contract):
    chat_id: str
    generation_ids: list[str]


class GenerationRowsDeleted(Contract):
    rows: int


class PurgeGenerationHistoriesInput(Contract):
    generation_ids: list[str]  # a generation's id is its workflow's id


class GenerationHistoriesPurged(Contract):
    instances: int


# Photo checks (orchestrators/photo_checks.py) -------------------------------------------------


class AnalyzePhotoInput(Contract):
    chat_id: str
    blob_name: str  # a stored upload; its face embedding goes to paths.face_blob_name(blob_name)


class AnalyzedPhoto(Contract):
    blob_name: str
    analysis: dict[str, Any] | None = None  # a PhotoAnalysis; None when the photo cannot be read


class CompareFacesInput(Contract):
    chat_id: str
    blob_names: list[str]  # the uploads to compare (one face each, not rejected otherwise)


class FaceDistances(Contract):
    blob_names: list[str]  # the set compared, as given
    distances: dict[str, float]  # each photo from the centre of the others; empty below the minimum
    max_distance: float  # FaceMaxDistance, so the record applies the limit the check used


class ScoreLikenessInput(Contract):
    chat_id: str
    image_blob: str  # the generated image
    reference_blobs: list[str]  # the training photos whose faces make the reference


class Likeness(Contract):
    distance: float | None = None  # None: no face in the image, or no reference faces
    below_threshold: bool = False  # farther than LikenessMaxDistance from the training photos
