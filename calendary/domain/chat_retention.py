"""The retention limits applied to a chat's record (called by the chat entity only).

The record forgets expired photos and generations first and names the blobs that go with them;
the workflow deletes those afterwards, so nothing the record still lists is ever missing. Photos
stay while a training runs (its archive is built from them); archives go once no training runs,
since Replicate has every ended training's result. Idempotent: a second application finds
nothing more to remove and changes nothing.
"""

from __future__ import annotations

from calendary.domain import paths
from calendary.domain.chat_state import (
    ChatState,
    RetentionRecord,
    StateModel,
    WireTime,
    wire_time,
)


class ExpireRequest(StateModel):
    uploads_before: WireTime
    generated_before: WireTime
    at: WireTime


class Expired(StateModel):
    image_blobs: tuple[str, ...] = ()
    generation_ids: tuple[str, ...] = ()
    archives: bool = False  # no training runs: every archive of the chat may go


def expire(state: ChatState, request: ExpireRequest) -> tuple[ChatState, Expired]:
    training_runs = state.active_training is not None
    uploads_before = wire_time(request.uploads_before)
    generated_before = wire_time(request.generated_before)
    gone_images = (
        () if training_runs else tuple(i for i in state.images if i.uploaded_at < uploads_before)
    )
    gone_generations = tuple(
        g
        for g in state.generations
        if g.status != "pending" and (g.completed_at or g.created_at) < generated_before
    )
    archived = [t for t in state.trainings if t.archive_url] if not training_runs else []
    expired = Expired(
        image_blobs=tuple(i.blob_name for i in gone_images),
        generation_ids=tuple(g.generation_id for g in gone_generations),
        archives=not training_runs,
    )
    if not (gone_images or gone_generations or archived):
        return state, expired
    before = state.retention
    record = RetentionRecord(
        images=(before.images if before else 0) + len(gone_images),
        generations=(before.generations if before else 0) + len(gone_generations),
        archives_removed_at=request.at if archived else before and before.archives_removed_at,
        last_removed_at=request.at,
    )
    new_state = state.model_copy(
        update={
            "images": tuple(i for i in state.images if i not in gone_images),
            "generations": tuple(g for g in state.generations if g not in gone_generations),
            # The archive is deleted: the record keeps no link to it.
            "trainings": tuple(t.model_copy(update={"archive_url": None}) for t in state.trainings)
            if archived
            else state.trainings,
            "retention": record,
        }
    )
    return new_state, expired


def generated_blobs(chat_id: str, generation_ids: tuple[str, ...] | list[str]) -> list[str]:
    """The image and the prompt of each generation, and the image of a likeness retry (1.2),
    which most generations do not have: deleting a missing blob counts nothing."""
    return [
        name
        for g in generation_ids
        for name in (
            paths.generated_image_blob_name(chat_id, g),
            paths.generated_image_blob_name(chat_id, g, attempt=2),
            paths.generated_prompt_blob_name(chat_id, g),
        )
    ]
