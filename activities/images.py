"""Activities on uploaded photos: download one and store it as JPEG; delete refused ones."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import azure.durable_functions as df

from activities.contracts import DeleteBlobsInput, FetchedImage, FetchImageInput
from activities.errors import raise_if_transient
from calendary.composition import services
from calendary.images.fetch import ImageFetchError
from calendary.images.normalize import ImageRejected, normalize_image
from calendary.storage.pending_uploads import PendingUrlMissing, load_url

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.activity_trigger(input_name="request")
async def fetch_image(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: the blob name comes from the workflow, so a retry overwrites the same blob."""
    job = FetchImageInput.model_validate(request)
    svc = services()
    where = f"chat_id={job.chat_id} index={job.index} url={job.display_url}"
    try:
        url = await asyncio.to_thread(load_url, svc.blobs, job.pending_blob, job.index)
    except PendingUrlMissing:  # only after the workflow ended or the blob was removed by hand
        log.warning("image source missing %s pending=%s", where, job.pending_blob)
        return FetchedImage(index=job.index, ok=False, reason="source_missing").dump()
    try:
        fetched = await svc.image_fetcher().fetch(url)
        image = await asyncio.to_thread(
            normalize_image,
            fetched.data,
            min_side=svc.settings.min_image_side,
            max_pixels=svc.settings.max_image_pixels,
        )
    except (ImageFetchError, ImageRejected) as exc:
        raise_if_transient(exc, f"image {job.index} chat_id={job.chat_id} reason={exc.reason}")
        log.info("image refused %s reason=%s", where, exc.reason)
        return FetchedImage(index=job.index, ok=False, reason=exc.reason).dump()
    await asyncio.to_thread(svc.blobs.put, job.blob_name, image.jpeg, content_type="image/jpeg")
    log.info("image stored %s blob=%s bytes=%d", where, job.blob_name, len(image.jpeg))
    return FetchedImage(
        index=job.index,
        ok=True,
        blob_name=job.blob_name,
        url=svc.blobs.url(job.blob_name),
        size_bytes=len(image.jpeg),
        sha256=image.sha256,
        source_id=job.source_id,
    ).dump()


@bp.activity_trigger(input_name="request")
def delete_blobs(request: dict[str, Any]) -> int:
    """Idempotent: deleting a blob that is already gone is fine."""
    job = DeleteBlobsInput.model_validate(request)
    blobs = services().blobs
    return sum(blobs.delete(name) for name in job.blob_names)
