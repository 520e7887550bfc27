"""Recording uploaded images in the chat's state, with de-duplication and the per-chat limit.

Called only by the chat entity, one operation at a time. Each transition returns the new state
and a JSON-ready outcome, and is idempotent: applying it twice, as a retried workflow step may,
gives the same state and outcome as applying it once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from calendary.domain.chat_state import ChatState, StateModel, UploadedImage

SkipReason = Literal["duplicate_content", "duplicate_source", "chat_limit"]


class ImageCandidate(StateModel):
    """An image already stored under `blob_name`, offered for the chat's record."""

    index: int  # position in the request, echoed back in `skipped`
    blob_name: str
    size_bytes: int
    sha256: str
    source_id: str | None = None
    uploaded_at: datetime


class SkippedImage(StateModel):
    index: int
    blob_name: str
    reason: SkipReason
    duplicate_of: str | None = None


class Registration(StateModel):
    accepted: tuple[UploadedImage, ...]
    skipped: tuple[SkippedImage, ...]
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
    accepted: list[UploadedImage] = []
    skipped: list[SkippedImage] = []
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
                SkippedImage(index=c.index, blob_name=c.blob_name, reason=reason, duplicate_of=twin)
            )
            continue
        image = UploadedImage(
            blob_name=c.blob_name,
            size_bytes=c.size_bytes,
            sha256=c.sha256,
            source_id=c.source_id,
            uploaded_at=c.uploaded_at,
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
