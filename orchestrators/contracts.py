"""Inputs and outputs of the orchestrations, as the HTTP starters send and read them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from calendary.domain.chat_operations import TrainingFinished


class Job(BaseModel):
    # defer_build: validators built on first use, not when the worker indexes the app.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class UploadItem(Job):
    """One photo of a request; its position in `UploadJob.images` is its index."""

    source_id: str | None = None
    display_url: str  # redacted (no bot token, no query): for the status API and the monitor


class UploadJob(Job):
    chat_id: str
    # Blob with the request's source URLs; they hold the bot token, so never in this input.
    pending_blob: str
    images: list[UploadItem]
    max_images_per_chat: int


class UploadedItem(Job):
    file_name: str
    size_bytes: int
    url: str
    verdict: str | None = None  # photo checks (version 1.1): ok | warning | rejected
    reasons: tuple[str, ...] = ()


class SkippedItem(Job):
    index: int
    reason: str


class UploadResult(Job):
    image_count: int
    passing_count: int | None = None  # photos the training gate counts (version 1.1)
    uploaded: list[UploadedItem]
    skipped: list[SkippedItem]


class TrainingJob(Job):
    chat_id: str
    owner: str  # ReplicateOwner: the private model is created under it
    model_description: str
    trigger_word: str
    steps: int
    min_images: int
    timeout_seconds: int
    max_checks: int = 3
    # Train on the photos the checks pass only (the gate is on and the request did not force).
    only_passing: bool = False


class TrainingResult(Job):
    outcome: str  # "started" then "succeeded" | "failed" | "canceled" | "timed_out" | "rejected"
    reason: str = ""
    training_id: str = ""
    model_id: str = ""
    status: str = ""
    version: str | None = None


class CustomStatus(Job):
    """A workflow's custom status, read by the HTTP starters, the monitor and n8n: camelCase
    keys, an unknown value left out."""

    model_config = ConfigDict(
        extra="ignore", frozen=True, alias_generator=to_camel, populate_by_name=True
    )

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class TrainingProgress(CustomStatus):
    """The training workflow's custom status, written by it and read by the HTTP starter."""

    stage: str  # archiving | creating_model | training | finished
    training_id: str | None = None  # "" when Replicate refused to create the training
    model_id: str | None = None
    status: str | None = None  # starting | processing, then the recorded end
    progress: int | None = None  # percent, from the training's logs

    @classmethod
    def of(cls, custom_status: Any) -> TrainingProgress | None:
        """Read an instance's custom status; None when it has not set one of this shape."""
        if not isinstance(custom_status, dict) or "stage" not in custom_status:
            return None
        return cls.model_validate(custom_status)


class FreeSlotJob(Job):
    """Close the record of a training whose workflow ended without an outcome."""

    chat_id: str
    training: TrainingFinished  # its instance id and how its training really ended


class FreeSlotResult(Job):
    freed: bool  # the stale workflow no longer holds the chat's training slot


class GenerationJob(Job):
    chat_id: str
    generation_id: str
    training_id: str
    prompt: str  # as it runs: with the trigger word when it was added
    trigger_word_added: bool = False
    seed: int | None = None
    aspect_ratio: str
    num_inference_steps: int
    timeout_seconds: int
    max_checks: int = 3
    # Version 1.2: a likeness distance above this is retried once with a new seed; None: never
    # (the setting LikenessRetry is off, or the instance was started before it existed).
    likeness_retry_above: float | None = None


class GenerationProgress(CustomStatus):
    stage: str  # generating | retrying (a likeness retry, 1.2) | finished
    generation_id: str


class GenerationResult(Job):
    outcome: str  # "succeeded" | "failed" | "rejected"
    reason: str = ""
    generation_id: str
    status: str = ""
    image_url: str = ""


class EraseJob(Job):
    chat_id: str


class EraseProgress(CustomStatus):
    stage: str  # stopping | deleting | purging | finished


class EraseResult(Job):
    outcome: str  # "erased"
    counts: dict[str, int]


class RetentionJob(Job):
    chat_id: str
    upload_retention_days: int
    generated_retention_days: int


class RetentionResult(Job):
    photos: int = 0
    faces: int = 0  # face embeddings deleted with the photos
    rechecked: int = 0  # photos left whose same-person distances were measured again (1.2)
    generations: int = 0
    generated_blobs: int = 0
    archives: int = 0
    generation_rows: int = 0
    histories: int = 0
