"""Response bodies of the HTTP API: the `{success, data, error}` envelope and each route's `data`.

Field names serialize as camelCase aliases (`model_dump(by_alias=True)`), matching the seed's JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# Left out of the answer when unknown rather than sent as null (the 202 body has always omitted
# them), so the schema does not list it as required.
Known = Annotated[str | None, Field(exclude_if=lambda v: v is None)]


class ApiModel(BaseModel):
    """Base of response models: snake_case in Python, camelCase on the wire."""

    # Fields with defaults are always present in responses, so the schema marks them required.
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_serialization_defaults_required=True,
        defer_build=True,  # validators built on first use, not when the worker indexes the app
    )


class ApiResponse(ApiModel, Generic[T]):
    """The one envelope every endpoint answers with."""

    success: bool
    data: T | None = None
    error: str | None = Field(default=None, description="Human-readable reason when not success.")


class ErrorResponse(ApiModel):
    success: Literal[False] = False
    data: None = None
    error: str = Field(description="Human-readable reason, safe to show to the user.")


class UploadedImage(ApiModel):
    file_name: str = Field(description="Blob name under data/{chatId}/upload/.")
    size_bytes: int
    url: str = Field(description="Blob URL without a SAS signature.")
    verdict: Literal["ok", "warning", "rejected"] | None = Field(
        default=None, description="Photo checks: rejected photos do not count for training."
    )
    reasons: list[str] = Field(default_factory=list, description="Why, for the user.")


class PhotoVerdict(ApiModel):
    file_name: str
    verdict: Literal["ok", "warning", "rejected"]
    reasons: list[str] = Field(default_factory=list)


class PhotoSummary(ApiModel):
    """The photo checks over the chat's set: counts, and each photo that is not simply ok."""

    ok: int
    warning: int
    rejected: int
    passing: int = Field(description="Photos the training gate counts (ok and warning).")
    issues: list[PhotoVerdict] = Field(default_factory=list)


class TrainingRefusedData(ApiModel):
    """Why the photo checks refused a training, so a client can name the photos to replace."""

    passing: int = Field(description="Photos of the chat that pass the checks.")
    minimum: int = Field(description="Photos that must pass (MinTrainingImages).")
    replace: list[PhotoVerdict] = Field(description="The rejected photos, with the reasons.")


class TrainingRefusedResponse(ApiModel):
    success: Literal[False] = False
    data: TrainingRefusedData | None = Field(
        default=None, description="Set when the photo checks refused the training."
    )
    error: str = Field(description="Human-readable reason, safe to show to the user.")


class SkippedImage(ApiModel):
    index: int = Field(description="Position in the request (imageUrls first, then images).")
    reason: str


class UploadImagesData(ApiModel):
    instance_id: str = Field(description="Durable instance id of the upload workflow.")
    archive_url: str = Field(default="", description="Always empty; kept for seed compatibility.")
    image_count: int = Field(description="Images stored for this chat after this request.")
    passing_count: int | None = Field(
        default=None, description="Images of the chat that pass the photo checks."
    )
    uploaded_images: list[UploadedImage] = Field(default_factory=list)
    skipped: list[SkippedImage] = Field(default_factory=list)


TrainingStatus = Literal["starting", "processing", "succeeded", "failed", "canceled", "aborted"]


class CreateAndTrainModelData(ApiModel):
    training_id: str = Field(description="Replicate's training id.")
    model_id: str = Field(description="owner/name of the private Replicate model.")
    status: TrainingStatus
    instance_id: str = Field(description="Durable instance id of the training workflow.")


class GenerateImageData(ApiModel):
    generation_id: str
    status: str
    image_url: str | None = Field(default=None, description="Stored image blob URL, no SAS.")
    prompt: str = Field(description="The prompt as it ran.")
    trigger_word_added: bool = Field(
        default=False,
        description="The training's trigger word was missing and was put in front of the prompt.",
    )


class LatestTraining(ApiModel):
    training_id: str
    model_id: str
    status: TrainingStatus
    version: str | None = Field(default=None, description="Version id (the part after ':').")
    created_at: datetime | None = None
    completed_at: datetime | None = None
    progress: int | None = Field(
        default=None,
        description="Percent of the training steps done, from the trainer's logs; 100 once it "
        "succeeded; null before the first step.",
    )


class ChatStatusData(ApiModel):
    user_id: str
    latest_training: LatestTraining | None = None
    image_count: int
    generation_count: int
    compute_seconds: float = Field(
        description="Replicate's predict_time of every training and generation of the chat."
    )
    photos: PhotoSummary | None = None


class EraseChatData(ApiModel):
    user_id: str
    outcome: str = Field(description="`erased`.")
    counts: dict[str, int] = Field(
        description="What the erase removed, per kind (blobs, rows, models, histories, ...)."
    )


class AcceptedData(ApiModel):
    """Where to follow a workflow that is still running, plus the ids the starter already knows.

    Not Durable's own management links: in Azure those carry the extension's system key (`code=`),
    which would then sit in every caller's logs (n8n keeps each execution's data).
    """

    id: str = Field(description="Durable instance id.")
    status_query_get_uri: str = Field(
        description="GET /api/instances/{id} of this service (send the function key in the "
        "x-functions-key header); also the Location header."
    )
    user_id: Known = None
    training_id: Known = None
    model_id: Known = None
    generation_id: Known = None


RuntimeStatus = Literal[
    "Pending", "Running", "Completed", "ContinuedAsNew", "Failed", "Canceled", "Terminated",
    "Suspended",
]  # fmt: skip


class InstanceStatusData(ApiModel):
    """A workflow's state for pollers; never its input or history (inputs can hold links with the
    bot token)."""

    runtime_status: RuntimeStatus
    custom_status: Any = Field(default=None, description="The workflow's stage, if it sets one.")
    output: Any = Field(
        default=None,
        description="The result once Completed; null before, and for a failure (its details "
        "stay in the service's logs).",
    )
    created_time: datetime | None = None
    last_updated_time: datetime | None = None


class WebhookAckData(ApiModel):
    instance_id: str | None = None
    outcome: Literal["delivered", "ignored"] = Field(
        description="ignored: unknown or finished instance, answered 2xx so Replicate stops."
    )


class HealthData(ApiModel):
    status: Literal["ok"] = "ok"


def success(data: M) -> ApiResponse[M]:
    """The success envelope of `data`, typed by its model, so it serializes as documented."""
    return ApiResponse[type(data)](success=True, data=data)  # type: ignore[index]


def envelope(data: BaseModel) -> dict[str, Any]:
    """A success body as plain JSON-ready data, camelCase keys."""
    return success(data).model_dump(mode="json", by_alias=True)
