"""The one typed settings object, read from app settings / environment once per process."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from calendary.domain.photo_checks import PhotoThresholds


class Settings(BaseSettings):
    """Names are the Function App setting names, so Azure, local.settings.json and tests agree."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    # Storage: a connection string (Azurite, classic) or an identity-based account name.
    storage_connection_string: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage", "storage_connection_string"),
    )
    storage_account_name: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AzureWebJobsStorage__accountName", "storage_account_name"),
    )
    data_container: str = Field(default="data", alias="DataContainer")
    trainings_table: str = Field(default="Trainings", alias="TrainingsTable")
    generations_table: str = Field(default="Generations", alias="GenerationsTable")
    notifications_queue: str = Field(default="telegram-notifications", alias="NotificationsQueue")
    notification_deliveries_table: str = Field(
        default="NotificationDeliveries", alias="NotificationDeliveriesTable"
    )
    erasures_table: str = Field(default="Erasures", alias="ErasuresTable")

    # Retention (docs/privacy.md): photos and archives, generated images and prompts.
    upload_retention_days: int = Field(default=30, ge=1, alias="UploadRetentionDays")
    generated_retention_days: int = Field(default=90, ge=1, alias="GeneratedRetentionDays")

    # Replicate.
    replicate_api_key: SecretStr = Field(default=SecretStr(""), alias="ReplicateApiKey")
    replicate_base_url: str = Field(
        default="https://api.replicate.com/v1", alias="ReplicateBaseUrl"
    )
    replicate_owner: str = Field(default="", alias="ReplicateOwner")
    replicate_trainer_model: str = Field(
        default="replicate/fast-flux-trainer", alias="ReplicateTrainerModel"
    )
    replicate_trainer_version: str = Field(
        default="f463fbfc97389e10a2f443a8a84b6953b1058eafbf0c9af4d84457ff07cb04db",
        alias="ReplicateTrainerVersion",
    )
    replicate_webhook_secret: SecretStr | None = Field(default=None, alias="ReplicateWebhookSecret")
    webhook_url: str = Field(default="", alias="WebhookUrl")

    # Telegram and notification delivery.
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TelegramBotToken")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org", alias="TelegramApiBaseUrl"
    )
    notification_webhook_url: str | None = Field(default=None, alias="NotificationWebhookUrl")
    notification_webhook_secret: SecretStr | None = Field(
        default=None, alias="NotificationWebhookSecret"
    )
    notification_language: Literal["uk", "en"] = Field(default="uk", alias="NotificationLanguage")
    # Percentages of a training at which the user hears of it, e.g. "25,50,75"; empty: never.
    training_progress_notifications: str = Field(default="", alias="TrainingProgressNotifications")

    # Input limits.
    image_url_allowed_hosts: str = Field(default="api.telegram.org", alias="ImageUrlAllowedHosts")
    min_training_images: int = Field(default=5, ge=1, alias="MinTrainingImages")
    max_images_per_request: int = Field(default=20, ge=1, alias="MaxImagesPerRequest")
    max_images_per_chat: int = Field(default=100, ge=1, alias="MaxImagesPerChat")
    max_image_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, alias="MaxImageBytes")
    min_image_side: int = Field(default=256, ge=1, alias="MinImageSide")
    # Decoded size cap: a small file may still expand into a huge bitmap (decompression bomb).
    max_image_pixels: int = Field(default=50_000_000, ge=1, alias="MaxImagePixels")
    image_download_timeout: timedelta = Field(
        default=timedelta(seconds=60), alias="ImageDownloadTimeout"
    )
    max_prompt_length: int = Field(default=2000, ge=1, alias="MaxPromptLength")

    # Photo checks (docs/storage.md, "Photo checks": each default and why).
    photo_gate: bool = Field(default=True, alias="PhotoGate")
    face_min_ratio: float = Field(default=0.08, ge=0, le=1, alias="FaceMinRatio")
    face_small_ratio: float = Field(default=0.15, ge=0, le=1, alias="FaceSmallRatio")
    face_min_sharpness: float = Field(default=40.0, ge=0, alias="FaceMinSharpness")
    face_min_side: int = Field(default=512, ge=1, alias="FaceMinSide")
    face_min_brightness: float = Field(default=60.0, ge=0, le=255, alias="FaceMinBrightness")
    face_max_brightness: float = Field(default=210.0, ge=0, le=255, alias="FaceMaxBrightness")
    face_max_distance: float = Field(default=0.55, gt=0, alias="FaceMaxDistance")
    face_min_set_size: int = Field(default=3, ge=2, alias="FaceMinSetSize")
    likeness_max_distance: float = Field(default=0.6, gt=0, alias="LikenessMaxDistance")
    # Off by default: a retry is a second paid prediction and doubles the wait (docs/storage.md).
    likeness_retry: bool = Field(default=False, alias="LikenessRetry")
    likeness_retry_distance: float = Field(default=0.6, gt=0, alias="LikenessRetryDistance")

    # Workflow timing.
    training_timeout: timedelta = Field(default=timedelta(hours=2), alias="TrainingTimeout")
    generation_timeout: timedelta = Field(default=timedelta(minutes=10), alias="GenerationTimeout")
    upload_wait: timedelta = Field(default=timedelta(seconds=30), alias="UploadWaitTimeout")
    train_wait: timedelta = Field(default=timedelta(seconds=10), alias="TrainWaitTimeout")
    generate_wait: timedelta = Field(default=timedelta(seconds=60), alias="GenerateWaitTimeout")
    erase_wait: timedelta = Field(default=timedelta(seconds=60), alias="EraseWaitTimeout")

    @property
    def progress_marks(self) -> tuple[int, ...]:
        marks = (m.strip() for m in self.training_progress_notifications.split(","))
        return tuple(sorted({int(m) for m in marks if m.isdigit() and 0 < int(m) < 100}))

    def photo_thresholds(self) -> PhotoThresholds:
        return PhotoThresholds(
            min_face_ratio=self.face_min_ratio,
            small_face_ratio=self.face_small_ratio,
            min_sharpness=self.face_min_sharpness,
            min_side=self.face_min_side,
            min_brightness=self.face_min_brightness,
            max_brightness=self.face_max_brightness,
            max_distance=self.face_max_distance,
            min_set_size=self.face_min_set_size,
        )

    @property
    def likeness_retry_above(self) -> float | None:
        """The distance above which a generation is retried; None when retries are off."""
        return self.likeness_retry_distance if self.likeness_retry else None


@cache
def get_settings() -> Settings:
    """Read once per process; tests build their own `Settings(...)` instead."""
    return Settings()
