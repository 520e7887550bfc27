"""Activities that keep the readable record of a chat: index.md and the two tables."""

from __future__ import annotations

import logging
from typing import Any

import azure.durable_functions as df

from activities.contracts import RecordGenerationInput, RecordTrainingInput, WriteIndexInput
from activities.errors import TransientFailure
from calendary.bootstrap import services
from calendary.domain import paths
from calendary.domain.chat_state import ChatState, GenerationRecord, TrainingRecord
from calendary.domain.index_md import render_index
from calendary.storage import azure_names as az
from calendary.storage.tables import generation_row, training_row

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.activity_trigger(input_name="request")
def write_index(request: dict[str, Any]) -> bool:
    """Idempotent and ordered: a rendering of an older revision never replaces a newer one."""
    job = WriteIndexInput.model_validate(request)
    page = render_index(ChatState.model_validate(job.state)).encode()
    name = paths.index_blob_name(job.chat_id)
    try:
        written = services().blobs.put_revision(
            name, page, revision=job.revision, content_type="text/markdown; charset=utf-8"
        )
    except (az.ResourceModifiedError, az.ResourceExistsError):
        raise TransientFailure("index.md changed while it was written") from None
    log.info("index.md chat_id=%s revision=%d written=%s", job.chat_id, job.revision, written)
    return written


@bp.activity_trigger(input_name="request")
def record_training(request: dict[str, Any]) -> None:
    """Idempotent: an upsert keyed by chat and training id."""
    job = RecordTrainingInput.model_validate(request)
    row = training_row(job.chat_id, TrainingRecord.model_validate(job.training))
    services().trainings.upsert(row)


@bp.activity_trigger(input_name="request")
def record_generation(request: dict[str, Any]) -> None:
    """Idempotent: an upsert keyed by chat and generation id."""
    job = RecordGenerationInput.model_validate(request)
    row = generation_row(job.chat_id, GenerationRecord.model_validate(job.generation))
    services().generations.upsert(row)
