"""The retention timer: applies `UploadRetentionDays` and `GeneratedRetentionDays` every day.

It starts one `expire_chat_data` workflow per chat folder, with the limits in its input (the
workflow reads no settings), under the chat's fixed retention id, so each chat keeps one such
history and an erase finds it by the chat's prefix. A chat whose retention still runs is left
to the next occurrence. It also purges the histories of finished erases, which name their chat.
"""

from __future__ import annotations

import asyncio
import logging

import azure.durable_functions as df
import azure.functions as func
from pydantic import ConfigDict, TypeAdapter, ValidationError

from calendary.bootstrap import services
from calendary.domain.erasure import is_any_erase_instance, retention_instance_id
from calendary.domain.requests import ChatId
from orchestrators import names
from orchestrators.contracts import RetentionJob

bp = df.Blueprint()
log = logging.getLogger(__name__)
# defer_build: the validator is built on first use, not when the worker indexes the app.
_chat_id = TypeAdapter(ChatId, config=ConfigDict(defer_build=True))
S = df.OrchestrationRuntimeStatus
RUNNING = (S.Running, S.Pending, S.ContinuedAsNew)
FINISHED = [S.Completed, S.Failed, S.Terminated]


def _chat_ids(folders: list[str]) -> list[str]:
    chats = []
    for folder in folders:
        try:
            chats.append(_chat_id.validate_python(folder))
        except ValidationError:
            continue
    return chats


@bp.timer_trigger(arg_name="timer", schedule="%RetentionSchedule%", run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def apply_retention(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    settings = services().settings
    chats = _chat_ids(await asyncio.to_thread(services().blobs.list_folders))
    started = 0
    for chat_id in chats:
        instance_id = retention_instance_id(chat_id)
        status = await client.get_status(instance_id)
        if status is not None and status.runtime_status in RUNNING:
            continue
        job = RetentionJob(
            chat_id=chat_id,
            upload_retention_days=settings.upload_retention_days,
            generated_retention_days=settings.generated_retention_days,
        )
        await client.start_new(names.EXPIRE_CHAT_DATA, instance_id, job.dump())
        started += 1
    erases = 0
    for status in await client.get_status_by(runtime_status=FINISHED):
        if status.instance_id and is_any_erase_instance(status.instance_id):
            erases += (await client.purge_instance_history(status.instance_id)).instances_deleted
    log.info(
        "retention started chats=%d of=%d erase_histories_purged=%d past_due=%s",
        started, len(chats), erases, timer.past_due,
    )  # fmt: skip
