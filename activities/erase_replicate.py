"""Erasing a chat, the Replicate side: cancel its running jobs, delete its models.

Replicate keeps a private model's versions (the LoRA weights) until they are deleted; a model
can be deleted only once it has none. Both activities are idempotent: a job already ended, or a
version or model already gone (404), counts as done.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import azure.durable_functions as df

from activities.contracts import CancelJobsInput, DeleteModelsInput, JobsCanceled, ModelsDeleted
from activities.errors import transient_raises
from activities.replicate_calls import LOOKUP_PAGES
from calendary.bootstrap import services
from calendary.domain import paths
from calendary.replicate.errors import NotFoundError, PermanentError
from calendary.replicate.models import TERMINAL_STATUSES, Training
from calendary.storage.tables import GenerationRow

if TYPE_CHECKING:
    from calendary.replicate.client import ReplicateClient

bp = df.Blueprint()
log = logging.getLogger(__name__)


def _trains_on_chat_archive(training: Training, chat_id: str) -> bool:
    images = (training.input or {}).get("input_images")
    if not isinstance(images, str):
        return False
    container = services().settings.data_container
    path = urlsplit(images).path
    return f"/{container}/{paths.chat_prefix(chat_id)}archive_" in path


async def _running_trainings(replicate: ReplicateClient, chat_id: str) -> set[str]:
    """A training created just as its workflow was stopped has no record yet: Replicate's recent
    trainings that read this chat's archive are the chat's too."""
    found: set[str] = set()
    cursor: str | None = None
    for _ in range(LOOKUP_PAGES):
        page = await transient_raises(replicate.list_trainings(cursor), "list trainings")
        found |= {
            t.id
            for t in page.results
            if t.status not in TERMINAL_STATUSES and _trains_on_chat_archive(t, chat_id)
        }
        if page.next is None:
            break
        cursor = page.next
    return found


def open_predictions(rows: list[GenerationRow]) -> set[str]:
    """The predictions of generations still running. A row holds Replicate's status of its
    latest prediction (create_prediction writes it; the final record writes succeeded or
    failed), so any other status (starting, processing, none yet) may still be running, and
    both of its predictions go: a likeness retry's second runs under RetryReplicateId. Canceling
    one that has ended changes nothing."""
    return {
        job_id
        for r in rows
        if r.status not in TERMINAL_STATUSES
        for job_id in (r.replicate_id, r.retry_replicate_id)
        if job_id
    }


def _open_rows(chat_id: str) -> tuple[set[str], set[str]]:
    svc = services()
    trainings = {
        r.replicate_id
        for r in svc.trainings.list_for_chat(chat_id)
        if r.replicate_id and r.status not in TERMINAL_STATUSES
    }
    return trainings, open_predictions(svc.generations.list_for_chat(chat_id))


@bp.activity_trigger(input_name="request")
async def cancel_chat_jobs(request: dict[str, Any]) -> dict[str, Any]:
    job = CancelJobsInput.model_validate(request)
    replicate = services().replicate()
    row_trainings, row_predictions = await asyncio.to_thread(_open_rows, job.chat_id)
    trainings = set(job.training_ids) | row_trainings
    trainings |= await _running_trainings(replicate, job.chat_id)
    predictions = set(job.prediction_ids) | row_predictions
    canceled = 0
    for cancel, ids, what in (
        (replicate.cancel_training, trainings, "cancel training"),
        (replicate.cancel_prediction, predictions, "cancel prediction"),
    ):
        for job_id in sorted(ids):
            try:
                ended = await transient_raises(cancel(job_id), what)
            except PermanentError:  # unknown to Replicate, or already gone
                continue
            canceled += ended.status == "canceled"
    log.info("chat jobs canceled chat_id=%s canceled=%d", job.chat_id, canceled)
    return JobsCanceled(canceled=canceled).dump()


async def _delete_model(replicate: ReplicateClient, model_id: str) -> tuple[int, int]:
    owner, name = model_id.split("/", 1)
    versions = 0
    while True:
        try:
            page = await transient_raises(replicate.list_versions(owner, name), "list versions")
        except NotFoundError:
            return versions, 0
        if not page.results:
            break
        for version in page.results:
            try:
                await transient_raises(
                    replicate.delete_version(owner, name, version.id), "delete version"
                )
                versions += 1
            except NotFoundError:
                continue
    try:
        await transient_raises(replicate.delete_model(owner, name), "delete model")
    except NotFoundError:
        return versions, 0
    return versions, 1


@bp.activity_trigger(input_name="request")
async def delete_chat_models(request: dict[str, Any]) -> dict[str, Any]:
    """Versions first, then the model, for every model the chat trained. A refusal other than
    404 (a model someone else owns, one made public by hand) fails the erase loudly."""
    job = DeleteModelsInput.model_validate(request)
    replicate = services().replicate()
    versions = models = 0
    for model_id in job.model_ids:
        v, m = await _delete_model(replicate, model_id)
        versions, models = versions + v, models + m
    log.info("replicate models deleted versions=%d models=%d", versions, models)
    return ModelsDeleted(versions=versions, models=models).dump()
