"""Activity: zip a chat's uploads into `archive_{timestamp}.zip`, streaming blob to blob."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import azure.durable_functions as df

from activities.contracts import ArchiveBuilt, BuildArchiveInput
from calendary.bootstrap import services

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.activity_trigger(input_name="request")
def build_archive(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: an archive already built from the same uploads is reused as it is."""
    job = BuildArchiveInput.model_validate(request)
    svc = services()
    result = svc.archives.build(job.archive_name, job.blob_names, datetime.fromisoformat(job.at))
    log.info(
        "archive built chat_id=%s blob=%s images=%d bytes=%d",
        job.chat_id,
        result.blob_name,
        result.image_count,
        result.size_bytes,
    )
    return ArchiveBuilt(
        blob_name=result.blob_name,
        url=svc.blobs.url(result.blob_name),
        image_count=result.image_count,
        size_bytes=result.size_bytes,
    ).dump()
