"""POST /api/CreateAndTrainModel: reserve the chat's training slot and start the workflow."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import azure.durable_functions as df
import azure.functions as func
from pydantic import ValidationError

from api import routes
from api.chat_reads import read_chat
from api.durable_start import DurableUnavailable, start_unless_running
from api.durable_wait import accepted, wait_for
from api.envelope import fail, ok, parse_body, respond
from api.failures import answers_failures
from api.input_checks import refused
from calendary.bootstrap import services
from calendary.domain.chat_operations import TrainingFinished
from calendary.domain.chat_state import ChatState
from calendary.domain.chat_trainings import recorded_status
from calendary.domain.erasure import new_instance_id
from calendary.domain.photo_summary import gate_refusal, refusal_text
from calendary.domain.requests import CreateAndTrainModelRequest
from calendary.domain.responses import CreateAndTrainModelData, TrainingRefusedResponse
from calendary.replicate.checked_inputs import PLACEHOLDER_ARCHIVE, training_input_for
from calendary.replicate.errors import ReplicateError
from calendary.replicate.jobs import from_training
from orchestrators import names
from orchestrators.contracts import (
    FreeSlotJob,
    FreeSlotResult,
    TrainingJob,
    TrainingProgress,
    TrainingResult,
)

bp = df.Blueprint()
log = logging.getLogger(__name__)

ACTIVE = "a training of this chat is already running"
CLOSING = "the previous training is being closed; try again in a moment"
# How long a request waits for the stale slot to be freed, and how often it looks.
FREE_WAIT_MS = 5000
FREE_LOOK_MS = 100


def _not_enough(minimum: int, count: int) -> str:
    return f"at least {minimum} uploaded images are needed to train; this chat has {count}"


@bp.route(route=routes.CREATE_AND_TRAIN_MODEL.path, methods=[routes.CREATE_AND_TRAIN_MODEL.method])
@bp.durable_client_input(client_name="client")
@answers_failures
async def create_and_train_model_http(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    settings = services().settings
    body = parse_body(req, CreateAndTrainModelRequest)
    if not settings.replicate_owner:
        return fail(503, "ReplicateOwner is not configured")
    svc = services()
    check = training_input_for(
        svc.replicate(),
        svc.schemas,
        images_url=PLACEHOLDER_ARCHIVE,
        trigger_word=body.trigger_word,
        steps=body.steps,
    )
    answer = await refused(check, f"the trainer {settings.replicate_trainer_model}", ours=True)
    if answer is not None:
        return answer
    # A quick answer for the common cases; the chat entity decides races inside the workflow.
    chat = await read_chat(client, body.user_id)
    if len(chat.images) < settings.min_training_images:
        return fail(400, _not_enough(settings.min_training_images, len(chat.images)))
    gated = settings.photo_gate and not body.force
    refusal = gate_refusal(chat, settings.min_training_images) if gated else None
    if refusal:
        log.info("training refused by the photo gate chat_id=%s", body.user_id)
        error = refusal_text(refusal, len(chat.images))
        return respond(400, TrainingRefusedResponse(data=refusal, error=error))
    if chat.active_training is not None:
        if await _still_running(client, chat.active_training):
            return fail(409, ACTIVE)
        refusal = await _free_slot(client, req, chat, chat.active_training)
        if refusal is not None:
            return refusal

    instance_id = new_instance_id(body.user_id, uuid.uuid4().hex)
    job = TrainingJob(
        chat_id=body.user_id,
        owner=settings.replicate_owner,
        model_description=body.model_description,
        trigger_word=body.trigger_word,
        steps=body.steps,
        min_images=settings.min_training_images,
        timeout_seconds=int(settings.training_timeout.total_seconds()),
        only_passing=gated,
    )
    await client.start_new(names.TRAIN_MODEL, instance_id, job.dump())
    log.info("training workflow started chat_id=%s instance_id=%s", body.user_id, instance_id)
    status = await wait_for(client, instance_id, settings.train_wait, _training_started)
    if status is None:
        return accepted(req, instance_id, user_id=body.user_id)
    progress = TrainingProgress.of(status.custom_status)
    if status.runtime_status == df.OrchestrationRuntimeStatus.Completed:
        result = TrainingResult.model_validate(status.output)
        if result.outcome == "rejected":
            if result.reason == "training_active":
                return fail(409, ACTIVE)
            return fail(400, _not_enough(settings.min_training_images, len(chat.images)))
        if not result.training_id:
            return fail(502, f"Replicate did not start the training: {result.reason}")
        data = CreateAndTrainModelData(
            training_id=result.training_id,
            model_id=result.model_id,
            status=result.status,
            instance_id=instance_id,
        )
    elif progress is not None and progress.training_id:
        data = CreateAndTrainModelData(
            training_id=progress.training_id,
            model_id=progress.model_id,
            status=progress.status or "starting",
            instance_id=instance_id,
        )
    else:
        return fail(500, f"the training workflow {instance_id} failed")
    return ok(data)


RUNNING = {
    df.OrchestrationRuntimeStatus.Running,
    df.OrchestrationRuntimeStatus.Pending,
    df.OrchestrationRuntimeStatus.ContinuedAsNew,
    df.OrchestrationRuntimeStatus.Suspended,
}


async def _still_running(client: df.DurableOrchestrationClient, instance_id: str) -> bool:
    status = await client.get_status(instance_id)
    return bool(status) and status.runtime_status in RUNNING


async def _free_slot(
    client: df.DurableOrchestrationClient, req: func.HttpRequest, chat: ChatState, instance_id: str
) -> func.HttpResponse | None:
    """The workflow holding the slot ended without an outcome (terminated by an operator, or it
    failed). Record how its training really ended, asking Replicate when it had started one, so
    the chat can train again; None when freed, else the answer saying why the slot stays taken.
    """
    record = chat.training_by_instance(instance_id)
    finished = TrainingFinished(
        instance_id=instance_id,
        status="canceled",
        completed_at=datetime.now(UTC),
        error="the training workflow ended without an outcome",
    )
    if record is not None and record.training_id:
        try:
            training = await services().replicate().get_training(record.training_id)
        except ReplicateError:
            return fail(409, "a training of this chat may still be running; try again later")
        if not training.is_terminal:
            return fail(409, "a training of this chat is still running on Replicate")
        job = from_training(training)
        finished = TrainingFinished(
            instance_id=instance_id,
            status=recorded_status(job.status),
            completed_at=job.completed_at or finished.completed_at,
            version=job.version,
            error=job.error,
            predict_time=job.predict_time,
            hardware=job.hardware,
        )
    free_id = names.free_slot_instance_id(chat.chat_id, instance_id)
    log.warning(
        "freeing a stale training slot chat_id=%s instance_id=%s free_instance_id=%s",
        chat.chat_id,
        instance_id,
        free_id,
    )
    if not await _still_running(client, free_id):
        job_input = FreeSlotJob(chat_id=chat.chat_id, training=finished)
        try:
            started = await start_unless_running(
                client, names.FREE_TRAINING_SLOT, free_id, job_input.dump()
            )
        except DurableUnavailable as exc:
            log.warning("freeing not started free_instance_id=%s: %s", free_id, exc)
            return fail(503, "the previous training could not be closed now; try again")
        if not started:  # a request that found the same slot started it just now: wait for it
            log.info("freeing already started free_instance_id=%s", free_id)
    # It ends once the entity has recorded the end, so the new workflow's reservation comes after.
    answer = await client.wait_for_completion_or_create_check_status_response(
        req, free_id, FREE_WAIT_MS, FREE_LOOK_MS
    )
    return None if _freed(answer) else fail(409, CLOSING)


def _freed(answer: func.HttpResponse) -> bool:
    """The helper answers 200 with the output when the orchestration completed; 200 too, with
    the status, when it was terminated; 202 while it still runs."""
    if answer.status_code != 200:
        return False
    try:
        return FreeSlotResult.model_validate_json(answer.get_body()).freed
    except ValidationError:
        return False


def _training_started(status: df.DurableOrchestrationStatus) -> bool:
    progress = TrainingProgress.of(status.custom_status)
    return progress is not None and bool(progress.training_id)
