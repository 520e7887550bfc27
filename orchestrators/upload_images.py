"""Upload: download every photo in parallel, then let the chat entity accept or skip each one."""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from activities.chat_record import write_index
from activities.contracts import DeleteBlobsInput, FetchedImage, FetchImageInput, WriteIndexInput
from activities.images import delete_blobs, fetch_image
from calendary.domain import chat_operations as ops
from calendary.domain import paths
from calendary.domain.chat_uploads import ImageCandidate
from calendary.domain.photo_checks import verdict_of
from orchestrators import policies
from orchestrators.chat_records import ask_chat, read_chat
from orchestrators.contracts import SkippedItem, UploadedItem, UploadJob, UploadResult
from orchestrators.photo_checks import analyze_photos, check_same_person
from orchestrators.steps import notify
from orchestrators.versions import PHOTO_CHECKS, at_least

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.orchestration_trigger(context_name="context")
def upload_images(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    job = UploadJob.model_validate(context.get_input())
    now = context.current_utc_datetime
    chat = yield from read_chat(context, job.chat_id)
    known_sources = {i.source_id for i in chat.images if i.source_id}
    batch = paths.batch_id(context.instance_id)

    skipped: list[SkippedItem] = []
    fetches = []
    for index, item in enumerate(job.images):
        if item.source_id and item.source_id in known_sources:
            skipped.append(SkippedItem(index=index, reason="duplicate_source"))
            continue
        request = FetchImageInput(
            chat_id=job.chat_id,
            index=index,
            pending_blob=job.pending_blob,
            display_url=item.display_url,
            source_id=item.source_id,
            blob_name=paths.upload_blob_name(job.chat_id, now, batch, index + 1),
        )
        fetches.append(
            # The SDK reads a sub-orchestrator's output type off its registered handle, which
            # says `str` (the replay state); the output is the FetchedImage dump, a dict.
            context.call_sub_orchestrator(
                fetch_one_image,
                request.dump(),
                instance_id=f"{context.instance_id}-{index}",
                expected_type=dict,
            )
        )
    results = (yield context.task_all(fetches)) if fetches else []
    fetched = [FetchedImage.model_validate(r) for r in results]
    stored = [f for f in fetched if f.ok]
    skipped += [SkippedItem(index=f.index, reason=f.reason) for f in fetched if not f.ok]
    checks = at_least(context.version, PHOTO_CHECKS)
    # A storage step failing past its retries must not leave the source URLs (bot token inside)
    # nor unregistered photos behind, nor the user waiting: see `_give_up`. The handlers add
    # actions only after a step that failed, so every history whose steps succeeded replays
    # unchanged (no version needed).
    analyses: dict[str, Any] = {}
    if checks:
        try:
            analyses = yield from analyze_photos(
                context, job.chat_id, [f.blob_name for f in stored]
            )
        except Exception:  # nothing registered yet: every stored photo goes
            yield from _give_up(context, job, [f.blob_name for f in stored], checks)
            raise

    candidates = [
        ImageCandidate(
            index=f.index,
            blob_name=f.blob_name,
            size_bytes=f.size_bytes,
            sha256=f.sha256,
            source_id=f.source_id,
            uploaded_at=now,
            analysis=analyses.get(f.blob_name),
        )
        for f in stored
    ]
    registration_request = ops.RegisterImages(
        candidates=candidates, max_images=job.max_images_per_chat
    )
    # The entity's answer and index.md as `record` does, in two steps, so the refused photos are
    # known even when the index write fails.
    registered = yield from ask_chat(
        context, job.chat_id, ops.REGISTER_IMAGES, registration_request
    )
    registration = registered.result
    rejected = {s.blob_name: s for s in registration.skipped}
    skipped += [SkippedItem(index=s.index, reason=s.reason) for s in rejected.values()]
    try:
        page = WriteIndexInput(
            chat_id=job.chat_id, state=registered.state, revision=registered.revision
        )
        yield context.call_activity_with_retry(write_index, policies.STORAGE, page.dump())
        chat = registered.chat
        if checks:
            chat = yield from check_same_person(context, job.chat_id, chat)
        # The record never points at refused photos, so their blobs go; every fetch has ended,
        # so the source URLs go too, whatever became of the photos.
        yield context.call_activity_with_retry(
            delete_blobs, policies.STORAGE, _leftovers(job, list(rejected), checks).dump()
        )
    except Exception:  # the accepted photos stay: the record holds them
        yield from _give_up(context, job, list(rejected), checks)
        raise
    accepted = [f for f in stored if f.blob_name not in rejected]
    analysed = {i.blob_name: i.analysis for i in chat.images}
    uploaded = [
        UploadedItem(
            file_name=f.blob_name.rsplit("/", 1)[-1],
            size_bytes=f.size_bytes,
            url=f.url,
            **(verdict_of(analysed.get(f.blob_name)).model_dump() if checks else {}),
        )
        for f in accepted
    ]
    if accepted:
        details: dict[str, Any] = {
            "instance_id": context.instance_id,
            "accepted": len(accepted),
            "skipped": len(skipped),
            "total": registration.image_count,
        }
        if checks:  # what the user should replace, for the message and N8N
            details |= {
                "passing": len(chat.passing_images),
                "photos": [
                    {"file_name": u.file_name, "verdict": u.verdict, "reasons": list(u.reasons)}
                    for u in uploaded
                    if u.verdict != "ok"
                ],
            }
        yield from notify(context, job.chat_id, "upload_complete", details)
    return UploadResult(
        image_count=registration.image_count,
        passing_count=len(chat.passing_images) if checks else None,
        uploaded=uploaded,
        skipped=sorted(skipped, key=lambda s: s.index),
    ).dump()


def _leftovers(job: UploadJob, photos: list[str], checks: bool) -> DeleteBlobsInput:
    """What an upload deletes at its end: `photos` no record points at (with their face data
    since the photo checks), and the source URLs."""
    faces = [paths.face_blob_name(name) for name in photos] if checks else []
    return DeleteBlobsInput(blob_names=[*photos, job.pending_blob, *faces])


def _give_up(
    context: df.DurableOrchestrationContext, job: UploadJob, photos: list[str], checks: bool
) -> Generator[Any, Any, None]:
    """A step failed past its retries: delete what the record does not hold (the step that
    failed may have been this very deletion; a minute later it may pass), then tell the user.
    The caller raises again, so the instance still ends failed for the operators."""
    try:
        yield context.call_activity_with_retry(
            delete_blobs, policies.STORAGE, _leftovers(job, photos, checks).dump()
        )
    except Exception:  # still failing: the user is told all the same
        if not context.is_replaying:
            log.error(
                "upload leftovers not deleted chat_id=%s instance_id=%s",
                job.chat_id,
                context.instance_id,
            )
    yield from notify(context, job.chat_id, "upload_failed", {"instance_id": context.instance_id})


@bp.orchestration_trigger(context_name="context")
def fetch_one_image(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    """One photo, retried on transient failures; a photo that still fails is skipped, not fatal."""
    request = FetchImageInput.model_validate(context.get_input())
    try:
        return (
            yield context.call_activity_with_retry(fetch_image, policies.DOWNLOAD, request.dump())
        )
    except Exception:  # retries exhausted: report it, the rest of the album goes on
        return FetchedImage(index=request.index, ok=False, reason="download_failed").dump()
