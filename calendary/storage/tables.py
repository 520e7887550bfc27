"""The `Trainings` and `Generations` tables as typed rows with idempotent upserts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from calendary.domain.chat_state import GenerationRecord, TrainingRecord
from calendary.domain.image_urls import redact_url
from calendary.domain.likeness_retry import attempts_text
from calendary.storage import azure_names as az

# The SDK is imported where it is used, so it loads on first use, not when the app is indexed.
if TYPE_CHECKING:
    from azure.data.tables import TableClient

_INT32 = range(-(2**31), 2**31)


class TableRow(BaseModel):
    """Field aliases are the table's property names; PartitionKey is the chat id."""

    # defer_build: validators built on first use, not when the worker indexes the app.
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True, defer_build=True)

    chat_id: str = Field(alias="PartitionKey")


class TrainingRow(TableRow):
    training_id: str = Field(alias="RowKey")
    replicate_id: str | None = Field(default=None, alias="ReplicateId")
    model_id: str | None = Field(default=None, alias="ModelId")
    version: str | None = Field(default=None, alias="Version")
    status: str | None = Field(default=None, alias="Status")
    archive_url: str | None = Field(default=None, alias="ArchiveUrl")
    trigger_word: str | None = Field(default=None, alias="TriggerWord")
    steps: int | None = Field(default=None, alias="Steps")
    created_at: datetime | None = Field(default=None, alias="CreatedAt")
    completed_at: datetime | None = Field(default=None, alias="CompletedAt")
    instance_id: str | None = Field(default=None, alias="InstanceId")
    predict_time: float | None = Field(default=None, alias="PredictTime")
    hardware: str | None = Field(default=None, alias="Hardware")
    # Written by the webhook function from `logs` events, never by the workflow.
    progress: int | None = Field(default=None, alias="Progress")
    progress_at: datetime | None = Field(default=None, alias="ProgressAt")


class GenerationRow(TableRow):
    generation_id: str = Field(alias="RowKey")
    training_id: str | None = Field(default=None, alias="TrainingId")
    replicate_id: str | None = Field(default=None, alias="ReplicateId")
    # Version 1.2: the second prediction of a likeness retry, and both attempts' distances.
    retry_replicate_id: str | None = Field(default=None, alias="RetryReplicateId")
    likeness_attempts: str | None = Field(default=None, alias="LikenessAttempts")
    prompt: str | None = Field(default=None, alias="Prompt")
    seed: int | None = Field(default=None, alias="Seed")
    output_seed: int | None = Field(default=None, alias="OutputSeed")
    image_url: str | None = Field(default=None, alias="ImageUrl")
    status: str | None = Field(default=None, alias="Status")
    # Distance of the generated face from the training photos' faces (lower: more alike).
    likeness_distance: float | None = Field(default=None, alias="LikenessDistance")
    created_at: datetime | None = Field(default=None, alias="CreatedAt")
    completed_at: datetime | None = Field(default=None, alias="CompletedAt")
    trigger_word_added: bool | None = Field(default=None, alias="TriggerWordAdded")
    predict_time: float | None = Field(default=None, alias="PredictTime")
    hardware: str | None = Field(default=None, alias="Hardware")


Row = TypeVar("Row", bound=TableRow)


def training_row(chat_id: str, record: TrainingRecord) -> TrainingRow:
    """The row for a training Replicate knows (the RowKey is Replicate's training id)."""
    if not record.training_id:
        raise ValueError("a training gets its row once Replicate has given it an id")
    return TrainingRow(
        chat_id=chat_id,
        training_id=record.training_id,
        replicate_id=record.training_id,
        model_id=record.model_id,
        version=record.version,
        status=record.status,
        archive_url=redact_url(record.archive_url) if record.archive_url else None,
        trigger_word=record.trigger_word,
        steps=record.steps,
        created_at=record.created_at,
        completed_at=record.completed_at,
        instance_id=record.instance_id,
        predict_time=record.predict_time,
        hardware=record.hardware,
    )


def generation_row(chat_id: str, record: GenerationRecord) -> GenerationRow:
    return GenerationRow(
        chat_id=chat_id,
        generation_id=record.generation_id,
        training_id=record.training_id,
        replicate_id=record.replicate_id,
        prompt=record.prompt,
        seed=record.seed,
        output_seed=record.output_seed,
        image_url=redact_url(record.image_url) if record.image_url else None,
        status=record.status,
        likeness_distance=record.likeness_distance,
        retry_replicate_id=record.attempts[1].replicate_id if len(record.attempts) > 1 else None,
        likeness_attempts=attempts_text(record.attempts) if record.attempts else None,
        created_at=record.created_at,
        completed_at=record.completed_at,
        trigger_word_added=record.trigger_word_added,
        predict_time=record.predict_time,
        hardware=record.hardware,
    )


def to_entity(row: TableRow) -> dict[str, Any]:
    """Unset (None) fields are left out, so a merge never erases what an earlier write stored."""
    from azure.data.tables import (
        EdmType,
        EntityProperty,
    )

    entity: dict[str, Any] = {}
    for key, value in row.model_dump(by_alias=True, exclude_none=True).items():
        if isinstance(value, int) and not isinstance(value, bool) and value not in _INT32:
            value = EntityProperty(value, EdmType.INT64)  # seeds reach 2**32-1
        entity[key] = value
    return entity


def from_entity(model: type[Row], entity: dict[str, Any]) -> Row:
    from azure.data.tables import EntityProperty

    plain = {k: v.value if isinstance(v, EntityProperty) else v for k, v in entity.items()}
    return model.model_validate(plain)


class RowTable(Generic[Row]):
    def __init__(self, table: TableClient, model: type[Row]) -> None:
        self._table = table
        self._model = model

    def upsert(self, row: Row) -> None:
        """Insert or merge: writing the same row twice leaves the same entity."""
        from azure.data.tables import UpdateMode

        self._table.upsert_entity(to_entity(row), mode=UpdateMode.MERGE)

    def get(self, chat_id: str, row_key: str) -> Row | None:
        try:
            entity = self._table.get_entity(chat_id, row_key)
        except az.ResourceNotFoundError:
            return None
        return from_entity(self._model, entity)

    def list_for_chat(self, chat_id: str) -> list[Row]:
        entities = self._table.query_entities("PartitionKey eq @chat", parameters={"chat": chat_id})
        return [from_entity(self._model, e) for e in entities]


class TrainingsTable(RowTable[TrainingRow]):
    def __init__(self, table: TableClient) -> None:
        super().__init__(table, TrainingRow)

    def raise_progress(
        self, chat_id: str, training_id: str, percent: int, at: datetime
    ) -> int | None:
        """Store `percent` unless the row already shows as much. Returns the percent it replaced
        (0 when none) or None when nothing changed. Webhooks run concurrently and may arrive out
        of order: each write is guarded by the row's etag, so progress never goes back and each
        rise is won by exactly one writer."""
        from azure.data.tables import UpdateMode

        fields = {"PartitionKey": chat_id, "RowKey": training_id, "Progress": percent}
        fields["ProgressAt"] = at
        for _ in range(5):
            try:
                entity = self._table.get_entity(chat_id, training_id)
            except az.ResourceNotFoundError:  # the webhook came before the row was written
                try:
                    self._table.create_entity(fields)
                except az.ResourceExistsError:
                    continue
                return 0
            previous = entity.get("Progress") or 0
            if percent <= previous:
                return None
            try:
                self._table.update_entity(
                    fields,
                    mode=UpdateMode.MERGE,
                    etag=entity.metadata["etag"],
                    match_condition=az.MatchConditions.IfNotModified,
                )
            except az.ResourceModifiedError:
                continue
            return previous
        return None


class GenerationsTable(RowTable[GenerationRow]):
    def __init__(self, table: TableClient) -> None:
        super().__init__(table, GenerationRow)
