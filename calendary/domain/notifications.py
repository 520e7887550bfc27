"""Queue messages: `{userId, text, imageUrl, messageType, metadata}`.

Texts are Ukrainian by default, as in the seed, and English with `NotificationLanguage=en`.
`metadata.idempotencyKey` lets the consumer drop a message delivered twice. A validator refuses
any message that carries a bot token or a SAS signature outside `imageUrl`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MessageType = Literal[
    "upload_complete",
    "upload_failed",
    "training_started",
    "training_progress",
    "training_complete",
    "training_failed",
    "generation_complete",
    "generation_failed",
]
Language = Literal["uk", "en"]

_SECRET_SHAPES = re.compile(r"bot[0-9]+:[A-Za-z0-9_-]{20,}|[?&]sig=|r8_[A-Za-z0-9]{20,}")

_TEXTS: dict[Language, dict[MessageType, str]] = {
    "uk": {
        "upload_complete": "Завантажено зображень: {accepted}. Пропущено: {skipped}. "
        "Усього в чаті: {total}.",
        "upload_failed": "Не вдалося зберегти фото. Надішліть їх ще раз трохи згодом.",
        "training_started": "Тренування розпочато! Модель: {model_id}. "
        "Ми повідомимо, коли вона буде готова.",
        "training_progress": "Тренування виконано на {percent}%.",
        "training_complete": "Тренування завершено! Модель {model_id} готова до генерації.",
        "training_failed": "Тренування не вдалося. Спробуйте ще раз пізніше.",
        "generation_complete": "Зображення згенеровано!",
        "generation_failed": "Не вдалося згенерувати зображення. Спробуйте ще раз.",
    },
    "en": {
        "upload_complete": "Images uploaded: {accepted}. Skipped: {skipped}. "
        "Total in this chat: {total}.",
        "upload_failed": "The photos could not be saved. Please send them again a little later.",
        "training_started": "Training started! Model: {model_id}. "
        "We will tell you when it is ready.",
        "training_progress": "Training is {percent}% done.",
        "training_complete": "Training complete! Model {model_id} is ready for generation.",
        "training_failed": "Training failed. Please try again later.",
        "generation_complete": "Image generated!",
        "generation_failed": "The image could not be generated. Please try again.",
    },
}

MetadataValue = str | int | float | None


class Notification(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True, frozen=True, defer_build=True
    )  # validators built on first use, not at import

    user_id: str = Field(alias="userId")
    text: str
    image_url: str = Field(default="", alias="imageUrl")
    message_type: MessageType = Field(alias="messageType")
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _no_secrets(self) -> Notification:
        # imageUrl may carry the short-lived read SAS of a generated image; nothing else may.
        for value in (self.text, *map(str, self.metadata.values()), *self.metadata):
            if _SECRET_SHAPES.search(value):
                raise ValueError("a notification must not carry a token or a signature")
        if "/bot" in self.image_url and _SECRET_SHAPES.search(self.image_url):
            raise ValueError("a notification must not carry a bot token")
        return self

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)

    @property
    def idempotency_key(self) -> str:
        return str(self.metadata["idempotencyKey"])


def _build(
    message_type: MessageType,
    chat_id: str,
    key: str,
    language: Language,
    *,
    image_url: str = "",
    metadata: dict[str, MetadataValue] | None = None,
    **text_args: object,
) -> Notification:
    text = _TEXTS[language][message_type].format(**text_args)
    meta: dict[str, MetadataValue] = {"idempotencyKey": f"{message_type}:{key}"}
    meta.update(metadata or {})
    return Notification(
        user_id=chat_id, text=text, image_url=image_url, message_type=message_type, metadata=meta
    )


_PHOTO_TEXTS: dict[Language, dict[str, str]] = {
    "uk": {
        "passing": "Придатних для тренування фото: {passing}.",
        "replace": "Замініть ці фото:",
        "check": "Перевірте ці фото:",
    },
    "en": {
        "passing": "Photos fit for training: {passing}.",
        "replace": "Please replace these photos:",
        "check": "Please check these photos:",
    },
}


def _photo_lines(language: Language, passing: int, photos: list[dict[str, Any]]) -> str:
    """The photo checks in a message: how many pass, then each photo to replace or check."""
    texts = _PHOTO_TEXTS[language]
    lines = [texts["passing"].format(passing=passing)]
    for verdict, heading in (("rejected", "replace"), ("warning", "check")):
        chosen = [p for p in photos if p["verdict"] == verdict]
        if chosen:
            lines.append(texts[heading])
            lines += [f"- {p['file_name']}: {', '.join(p['reasons'])}" for p in chosen]
    return "\n".join(lines)


def upload_complete(
    chat_id: str,
    *,
    instance_id: str,
    accepted: int,
    skipped: int,
    total: int,
    language: Language,
    passing: int | None = None,
    photos: list[dict[str, Any]] | None = None,
) -> Notification:
    meta: dict[str, MetadataValue] = {
        "instanceId": instance_id,
        "accepted": accepted,
        "skipped": skipped,
        "imageCount": total,
    }
    message = _build(
        "upload_complete",
        chat_id,
        instance_id,
        language,
        metadata=meta,
        accepted=accepted,
        skipped=skipped,
        total=total,
    )
    if passing is None:  # uploads checked no photos (orchestration version 1.0)
        return message
    photos = photos or []
    rejected = [p["file_name"] for p in photos if p["verdict"] == "rejected"]
    return message.model_copy(
        update={
            "text": f"{message.text}\n{_photo_lines(language, passing, photos)}",
            "metadata": {
                **message.metadata,
                "passingCount": passing,
                "rejectedPhotos": ", ".join(rejected),
            },
        }
    )


def upload_failed(chat_id: str, *, instance_id: str, language: Language) -> Notification:
    # Sending the album again is safe: photos the chat already holds are skipped as duplicates.
    meta: dict[str, MetadataValue] = {"instanceId": instance_id}
    return _build("upload_failed", chat_id, instance_id, language, metadata=meta)


def training_started(
    chat_id: str, *, training_id: str, model_id: str, instance_id: str, language: Language
) -> Notification:
    meta = {"trainingId": training_id, "modelId": model_id, "instanceId": instance_id}
    return _build(
        "training_started", chat_id, training_id, language, metadata=meta, model_id=model_id
    )


def training_progress(
    chat_id: str, *, training_id: str, percent: int, language: Language
) -> Notification:
    meta = {"trainingId": training_id, "percent": percent}
    key = f"{training_id}:{percent}"
    return _build("training_progress", chat_id, key, language, metadata=meta, percent=percent)


def training_complete(
    chat_id: str,
    *,
    training_id: str,
    model_id: str,
    version: str | None,
    instance_id: str,
    language: Language,
) -> Notification:
    meta = {
        "trainingId": training_id,
        "modelId": model_id,
        "version": version,
        "instanceId": instance_id,
    }
    return _build(
        "training_complete", chat_id, training_id, language, metadata=meta, model_id=model_id
    )


def training_failed(
    chat_id: str, *, training_id: str | None, instance_id: str, language: Language
) -> Notification:
    # Replicate's error text is not forwarded: it is not written for users and may echo inputs.
    meta = {"trainingId": training_id, "instanceId": instance_id}
    return _build("training_failed", chat_id, training_id or instance_id, language, metadata=meta)


def generation_complete(
    chat_id: str,
    *,
    generation_id: str,
    training_id: str,
    image_url: str,
    seed: int | None,
    language: Language,
    likeness: float | None = None,
    likeness_low: bool = False,
    likeness_first: float | None = None,
) -> Notification:
    meta: dict[str, MetadataValue] = {
        "generationId": generation_id,
        "trainingId": training_id,
        "seed": seed,
    }
    if likeness is not None:  # distance from the training photos' face: lower is more alike
        meta |= {"likeness": likeness, "likenessLow": int(likeness_low)}
    if likeness_first is not None:  # retried for a low likeness (1.2): the first image's distance
        meta |= {"likenessFirst": likeness_first}
    return _build(
        "generation_complete",
        chat_id,
        generation_id,
        language,
        image_url=image_url,
        metadata=meta,
    )


def generation_failed(
    chat_id: str, *, generation_id: str, training_id: str, language: Language
) -> Notification:
    meta = {"generationId": generation_id, "trainingId": training_id}
    return _build("generation_failed", chat_id, generation_id, language, metadata=meta)
