"""GET /api/chats/{userId}/status: the latest training and counts, for N8N's /status command."""

from __future__ import annotations

import asyncio

import azure.durable_functions as df
import azure.functions as func

from api import routes
from api.chat_reads import read_chat
from api.envelope import ok, route_chat_id
from api.failures import answers_failures
from calendary.bootstrap import services
from calendary.domain.chat_state import summarize
from calendary.domain.photo_summary import photo_summary
from calendary.domain.responses import ChatStatusData, LatestTraining

bp = df.Blueprint()


@bp.route(route=routes.CHAT_STATUS.path, methods=[routes.CHAT_STATUS.method])
@bp.durable_client_input(client_name="client")
@answers_failures
async def chat_status_http(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    chat_id = route_chat_id(req)
    chat = await read_chat(client, chat_id)
    summary = summarize(chat)
    latest = summary.latest_training
    data = ChatStatusData(
        user_id=chat_id,
        latest_training=None
        if latest is None
        else LatestTraining(
            training_id=latest.training_id or "",
            model_id=latest.model_id,
            # A reserved slot has not reached Replicate yet; for callers it is starting.
            status="starting" if latest.status == "reserved" else latest.status,
            version=latest.version,
            created_at=latest.created_at,
            completed_at=latest.completed_at,
            progress=await _progress(chat_id, latest.training_id, latest.status),
        ),
        image_count=summary.image_count,
        generation_count=summary.generation_count,
        compute_seconds=summary.compute_seconds,
        photos=photo_summary(chat),
    )
    return ok(data)


async def _progress(chat_id: str, training_id: str | None, status: str) -> int | None:
    """Kept in the training's row by the webhook function (`api/training_progress.py`)."""
    if status == "succeeded":
        return 100
    if not training_id:
        return None
    row = await asyncio.to_thread(services().trainings.get, chat_id, training_id)
    return row.progress if row is not None else None
