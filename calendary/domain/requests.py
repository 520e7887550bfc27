"""Request bodies of the HTTP API. Field names match the seed and are case-insensitive on input."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# A Telegram chat id: optional minus, digits. It names storage folders, so nothing else passes.
ChatId = Annotated[str, StringConstraints(pattern=r"^-?[0-9]{1,20}$")]
TrainingId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
HttpUrl = Annotated[str, StringConstraints(min_length=8, max_length=2048)]


class ApiRequest(BaseModel):
    """Base: keys match field aliases ignoring case; unknown keys are ignored, like the seed."""

    model_config = ConfigDict(
        populate_by_name=True, extra="ignore", str_strip_whitespace=True, defer_build=True
    )  # validators built on first use, not at import

    @model_validator(mode="before")
    @classmethod
    def _normalise_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        by_lower = {
            (f.alias or name).lower(): f.alias or name for name, f in cls.model_fields.items()
        }
        data = {by_lower.get(str(k).lower(), k): v for k, v in data.items()}
        # N8N passes Telegram's chat.id as a JSON number; the API keeps it as text.
        if isinstance(data.get("userId"), int) and not isinstance(data["userId"], bool):
            data["userId"] = str(data["userId"])
        return data


# Telegram's `getFile` answers a path like `photos/file_12.jpg`. No segment may start with a
# dot (so no `..`), and there is no query or scheme: the service decides where it points.
TelegramFilePath = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$", max_length=256
    ),
]


class ImageRef(ApiRequest):
    """An image by URL, or by the `file_path` of Telegram's `getFile`.

    The file path lets a client (N8N) name a Telegram file without knowing the bot token: the
    download link `…/file/bot<token>/<path>` is built by the service from `TelegramBotToken`,
    so the token never passes through the client's requests or its execution records.
    """

    url: HttpUrl | None = None
    telegram_file_path: TelegramFilePath | None = Field(default=None, alias="telegramFilePath")
    source_id: Annotated[str, StringConstraints(max_length=128)] | None = Field(
        default=None, alias="sourceId"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ImageRef:
        if (self.url is None) == (self.telegram_file_path is None):
            raise ValueError("each image needs exactly one of url and telegramFilePath")
        return self


class UploadImagesRequest(ApiRequest):
    user_id: ChatId = Field(alias="userId")
    image_urls: list[HttpUrl] = Field(default_factory=list, alias="imageUrls")
    images: list[ImageRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_images(self) -> UploadImagesRequest:
        if not self.image_urls and not self.images:
            raise ValueError("imageUrls (or images) must list at least one image")
        return self

    def image_refs(self) -> list[ImageRef]:
        """Both request forms as one list, in request order (imageUrls first)."""
        return [ImageRef(url=u) for u in self.image_urls] + list(self.images)


class CreateAndTrainModelRequest(ApiRequest):
    user_id: ChatId = Field(alias="userId")
    model_description: Annotated[str, StringConstraints(max_length=500)] = Field(
        default="User model", alias="modelDescription"
    )
    trigger_word: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,32}$")] = Field(
        default="TOK", alias="triggerWord"
    )
    # Bounds are the trainer's: checked against its published schema (`api/input_checks.py`).
    steps: int = Field(default=1000, ge=1)
    force: bool = Field(
        default=False, description="Train even when fewer than MinTrainingImages photos pass."
    )


class GenerateImageRequest(ApiRequest):
    user_id: ChatId = Field(alias="userId")
    training_id: TrainingId = Field(alias="trainingId")
    prompt: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    # Choices and bounds are the trained version's, checked against its published schema.
    aspect_ratio: Annotated[str, StringConstraints(max_length=16)] = Field(
        default="1:1", alias="aspectRatio"
    )
    num_inference_steps: int = Field(default=28, ge=1, alias="numInferenceSteps")
    # A prompt without the training's trigger word gets it in front, unless this is false.
    add_trigger_word: bool = Field(default=True, alias="addTriggerWord")
