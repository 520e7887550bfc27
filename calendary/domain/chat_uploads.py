"""Recording uploaded images in the chat's state, with de-duplication and the per-chat limit.

Called only by the chat entity, one operation at a time. Each transition returns the new state
and a JSON-ready outcome, and is idempotent: applying it twice, as a retried workflow step may,
gives the same state and outcome as applying it once.
"""

from __future__ import annotations

from typing import Literal

from calendary.domain.chat_state import ChatState, StateModel, StoredPhoto, WireTime
from calendary.domain.photo_checks import PhotoAnalysis, comparable, passes, with_distance

SkipReason = Literal["duplicate_content", "duplicate_source", "chat_limit"]


class ImageCandidate(StateModel):
    """An image already stored under `blob_name`, offered for the chat's record."""

    index: int  # position in the request, echoed back in `skipped`
    blob_name: str
    size_bytes: int
    sha256: str
    source_id: str | None = None
    uploaded_at: WireTime
    analysis: PhotoAnalysis | None = None


class SkippedCandidate(StateModel):
    index: int
    blob_name: str
    reason: SkipReason
    duplicate_of: str | None = None


class Registration(StateModel):
    accepted: tuple[StoredPhoto, ...]
    skipped: tuple[SkippedCandidate, ...]
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
    accepted: list[StoredPhoto] = []
    skipped: list[SkippedCandidate] = []
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
                SkippedCandidate(
                    index=c.index, blob_name=c.blob_name, reason=reason, duplicate_of=twin
                )
            )
            continue
        image = StoredPhoto(
            blob_name=c.blob_name,
            size_bytes=c.size_bytes,
            sha256=c.sha256,
            source_id=c.source_id,
            uploaded_at=c.uploaded_at,
            analysis=c.analysis,
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


class FaceDistancesRecorded(StateModel):
    applied: bool


def comparable_blob_names(state: ChatState) -> list[str]:
    """The chat's photos that take part in the same-person check, in upload order."""
    return [i.blob_name for i in state.images if comparable(i.analysis)]


def record_face_distances(
    state: ChatState, blob_names: list[str], distances: dict[str, float], *, max_distance: float
) -> tuple[ChatState, FaceDistancesRecorded]:
    """Record the same-person check of the set `blob_names`, if that is still the chat's set.

    Concurrent uploads of one album each compare the set they saw; only a check of the current
    set is kept, so the last registration's check, which saw every photo, is the one that stays.
    """
    if sorted(blob_names) != sorted(comparable_blob_names(state)):
        return state, FaceDistancesRecorded(applied=False)
    images = tuple(
        i.model_copy(
            update={"analysis": with_distance(i.analysis, distances.get(i.blob_name), max_distance)}
        )
        if i.analysis is not None and i.blob_name in blob_names
        else i
        for i in state.images
    )
    return state.model_copy(update={"images": images}), FaceDistancesRecorded(applied=True)


def likeness_reference(state: ChatState, training_id: str) -> list[str]:
    """The photos a training learnt one face from: those uploaded before it that pass the checks
    with one face (the same-person check included)."""
    training = state.training_by_id(training_id)
    started = training.created_at if training else None
    return [
        i.blob_name
        for i in state.images
        if i.analysis is not None
        and i.analysis.faces == 1
        and passes(i.analysis)
        and (started is None or i.uploaded_at <= started)
    ]
