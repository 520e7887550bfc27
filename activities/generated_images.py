"""Activity: copy a generated image out of Replicate into `generated/{id}.jpg` with its prompt
(a likeness retry's into `generated/{id}.2.jpg`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import azure.durable_functions as df

from activities.contracts import StoredImage, StoreImageInput
from activities.errors import raise_if_transient
from calendary.composition import services
from calendary.domain import paths
from calendary.images.normalize import ImageRejected, normalize_image
from calendary.replicate.outputs import OutputUnavailable, download_output

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.activity_trigger(input_name="request")
async def store_generated_image(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: both blob names come from the generation id; a retry rewrites the same bytes."""
    job = StoreImageInput.model_validate(request)
    svc = services()
    try:
        data = await download_output(
            svc.downloads(), job.output_url, max_bytes=svc.settings.max_image_bytes
        )
        image = await asyncio.to_thread(normalize_image, data, min_side=1)
    except (OutputUnavailable, ImageRejected) as exc:
        raise_if_transient(exc, f"generation_id={job.generation_id}")
        log.error("generated image lost generation_id=%s reason=%s", job.generation_id, exc)
        return StoredImage(ok=False, error=str(exc)).dump()
    image_blob = paths.generated_image_blob_name(job.chat_id, job.generation_id, job.attempt)
    prompt_blob = paths.generated_prompt_blob_name(job.chat_id, job.generation_id)
    await asyncio.to_thread(svc.blobs.put, image_blob, image.jpeg, content_type="image/jpeg")
    await asyncio.to_thread(
        svc.blobs.put, prompt_blob, job.prompt.encode(), content_type="text/plain; charset=utf-8"
    )
    log.info(
        "generated image stored chat_id=%s generation_id=%s attempt=%d bytes=%d",
        job.chat_id,
        job.generation_id,
        job.attempt,
        len(image.jpeg),
    )
    return StoredImage(
        ok=True,
        blob_name=image_blob,
        image_url=svc.blobs.url(image_blob),
        size_bytes=len(image.jpeg),
    ).dump()
