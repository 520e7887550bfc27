"""POST /api/UploadImages: start the upload workflow and answer when it is done (or 202)."""

from __future__ import annotations

import asyncio
import logging
import uuid

import azure.durable_functions as df
import azure.functions as func

from api import routes
from api.durable_wait import accepted, wait_for
from api.envelope import fail, ok, parse_body
from api.failures import answers_failures
from calendary.bootstrap import services
from calendary.domain import paths
from calendary.domain.erasure import new_instance_id
from calendary.domain.image_urls import (
    ImageUrlError,
    ImageUrlPolicy,
    check_image_url,
    redact_url,
    telegram_file_url,
)
from calendary.domain.requests import UploadImagesRequest
from calendary.domain.responses import SkippedImage, UploadedImage, UploadImagesData
from calendary.storage.pending_uploads import save_urls
from orchestrators import names
from orchestrators.contracts import UploadItem, UploadJob, UploadResult

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route=routes.UPLOAD_IMAGES.path, methods=[routes.UPLOAD_IMAGES.method])
@bp.durable_client_input(client_name="client")
@answers_failures
async def upload_images_http(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    settings = services().settings
    body = parse_body(req, UploadImagesRequest)
    refs = body.image_refs()
    if len(refs) > settings.max_images_per_request:
        return fail(400, f"at most {settings.max_images_per_request} images per request")
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token and any(r.telegram_file_path for r in refs):
        return fail(400, "telegramFilePath needs TelegramBotToken in the service's settings")
    urls = [
        r.url
        or telegram_file_url(settings.telegram_api_base_url, token, r.telegram_file_path or "")
        for r in refs
    ]
    policy = ImageUrlPolicy.from_setting(settings.image_url_allowed_hosts)
    for index, url in enumerate(urls):
        try:
            check_image_url(url, policy)
        except ImageUrlError as exc:  # its text never repeats the URL (it may hold a bot token)
            return fail(400, f"image {index}: {exc}")

    instance_id = new_instance_id(body.user_id, uuid.uuid4().hex)
    # The URLs carry the bot token: the workflow gets only the name of the blob holding them,
    # because Durable keeps inputs in its history and shows them through the status API.
    pending = paths.pending_upload_blob_name(body.user_id, instance_id)
    await asyncio.to_thread(save_urls, services().blobs, pending, urls)
    job = UploadJob(
        chat_id=body.user_id,
        pending_blob=pending,
        images=[
            UploadItem(source_id=r.source_id, display_url=redact_url(u))
            for r, u in zip(refs, urls, strict=True)
        ],
        max_images_per_chat=settings.max_images_per_chat,
    )
    try:
        await client.start_new(names.UPLOAD_IMAGES, instance_id, job.dump())
    except Exception:
        # No workflow will delete the list (it holds the bot token): remove it before answering.
        await asyncio.to_thread(services().blobs.delete, pending)
        raise
    log.info(
        "upload started chat_id=%s instance_id=%s images=%d", body.user_id, instance_id, len(refs)
    )
    status = await wait_for(client, instance_id, settings.upload_wait)
    if status is None:
        return accepted(req, instance_id, user_id=body.user_id)
    if status.runtime_status != df.OrchestrationRuntimeStatus.Completed:
        return fail(500, f"the upload workflow {instance_id} did not complete")
    result = UploadResult.model_validate(status.output)
    data = UploadImagesData(
        instance_id=instance_id,
        image_count=result.image_count,
        passing_count=result.passing_count,
        uploaded_images=[
            UploadedImage(
                file_name=u.file_name,
                size_bytes=u.size_bytes,
                url=u.url,
                verdict=u.verdict,
                reasons=list(u.reasons),
            )
            for u in result.uploaded
        ],
        skipped=[SkippedImage(index=s.index, reason=s.reason) for s in result.skipped],
    )
    return ok(data)
