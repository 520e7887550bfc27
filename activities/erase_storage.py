"""Erasing a chat, the storage side: blobs, table rows, queued notifications, the audit row.

Each activity is one side effect and idempotent: what is already gone counts as nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import azure.durable_functions as df

from activities.contracts import (
    BlobsErased,
    ChatRef,
    ErasureRecorded,
    NotificationsErased,
    RecordErasureInput,
    RowsErased,
)
from calendary.bootstrap import services
from calendary.domain import paths
from calendary.storage.chat_rows import delete_partition
from calendary.storage.erasures import record_erasure as write_erasure

bp = df.Blueprint()
log = logging.getLogger(__name__)


def _delete_blobs(chat_id: str) -> int:
    blobs = services().blobs
    # Everything under `{chatId}/`: uploads, pending upload URLs, archives, generated, index.md.
    return sum(blobs.delete(b.name) for b in blobs.list_prefix(paths.chat_prefix(chat_id)))


@bp.activity_trigger(input_name="request")
async def erase_chat_blobs(request: dict[str, Any]) -> dict[str, Any]:
    job = ChatRef.model_validate(request)
    count = await asyncio.to_thread(_delete_blobs, job.chat_id)
    log.info("chat blobs erased chat_id=%s blobs=%d", job.chat_id, count)
    return BlobsErased(blobs=count).dump()


def _delete_rows(chat_id: str) -> RowsErased:
    svc = services()
    settings = svc.settings
    return RowsErased(
        trainings=delete_partition(svc.table(settings.trainings_table), chat_id),
        generations=delete_partition(svc.table(settings.generations_table), chat_id),
        deliveries=delete_partition(svc.table(settings.notification_deliveries_table), chat_id),
    )


@bp.activity_trigger(input_name="request")
async def erase_chat_rows(request: dict[str, Any]) -> dict[str, Any]:
    job = ChatRef.model_validate(request)
    erased = await asyncio.to_thread(_delete_rows, job.chat_id)
    log.info("chat rows erased chat_id=%s %s", job.chat_id, erased.dump())
    return erased.dump()


@bp.activity_trigger(input_name="request")
async def erase_queued_notifications(request: dict[str, Any]) -> dict[str, Any]:
    job = ChatRef.model_validate(request)
    count = await asyncio.to_thread(services().notifications.drop_for_chat, job.chat_id)
    log.info("queued notifications erased chat_id=%s notifications=%d", job.chat_id, count)
    return NotificationsErased(notifications=count).dump()


@bp.activity_trigger(input_name="request")
async def record_erasure(request: dict[str, Any]) -> dict[str, Any]:
    job = RecordErasureInput.model_validate(request)
    svc = services()
    await asyncio.to_thread(
        write_erasure,
        svc.table(svc.settings.erasures_table),
        chat_hash=job.chat_hash,
        erasure_id=job.erasure_id,
        started_at=job.started_at,
        finished_at=job.finished_at,
        counts=job.counts,
        outcome=job.outcome,
    )
    log.info("erasure recorded erasure_id=%s outcome=%s", job.erasure_id, job.outcome)
    return ErasureRecorded(row_key=job.erasure_id).dump()
