"""POST /api/ReplicateWebHook?instanceId=...: a verified terminal webhook becomes a Durable event;
a training's `logs` webhook becomes its progress (`training_progress`).

Replicate retries the terminal webhook until it gets a 2xx, so duplicates, late deliveries and
unknown instances are acknowledged with 200 and ignored; only a bad signature (401) or a body
that is not a training or prediction (400) is refused.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Literal

import azure.durable_functions as df
import azure.functions as func
from pydantic import ValidationError

from api import routes
from api.envelope import fail, ok
from api.failures import answers_failures
from api.training_progress import is_training, record_progress
from calendary.bootstrap import services
from calendary.domain.replicate_job import ReplicateJob
from calendary.domain.responses import WebhookAckData
from calendary.replicate.jobs import from_prediction, from_training
from calendary.replicate.models import Prediction, Training
from calendary.replicate.webhooks import WebhookVerificationError
from orchestrators.replicate_wait import event_name

bp = df.Blueprint()
log = logging.getLogger(__name__)

INSTANCE_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
WAITING = {
    df.OrchestrationRuntimeStatus.Running,
    df.OrchestrationRuntimeStatus.Pending,
    df.OrchestrationRuntimeStatus.ContinuedAsNew,
    df.OrchestrationRuntimeStatus.Suspended,  # the event waits with it until it resumes
}


def parse_job(body: bytes) -> tuple[ReplicateJob, Training | None]:
    """The job's few fields, and the whole training when it is one (see `is_training`)."""
    raw = json.loads(body)
    if not isinstance(raw, dict):
        raise ValueError("the body is not a JSON object")
    if is_training(raw):
        training = Training.model_validate(raw)
        return from_training(training), training
    return from_prediction(Prediction.model_validate(raw)), None


def _ack(instance_id: str | None, outcome: Literal["delivered", "ignored"]) -> func.HttpResponse:
    return ok(WebhookAckData(instance_id=instance_id, outcome=outcome))


@bp.route(
    route=routes.REPLICATE_WEBHOOK.path,
    methods=[routes.REPLICATE_WEBHOOK.method],
    auth_level=func.AuthLevel.ANONYMOUS,
)
@bp.durable_client_input(client_name="client")
@answers_failures
async def replicate_webhook_http(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    body = req.get_body()
    try:
        delivery = await services().webhook_secret().verify(dict(req.headers), body)
    except WebhookVerificationError as exc:
        log.warning("webhook refused: %s", exc)
        return fail(401, f"webhook signature: {exc}")
    instance_id = req.params.get("instanceId", "")
    if not INSTANCE_ID.fullmatch(instance_id):
        return fail(400, "instanceId query parameter is missing or malformed")
    try:
        job, training = parse_job(body)
    except (ValueError, ValidationError):
        return fail(400, "the body is not a Replicate training or prediction")
    where = f"instance_id={instance_id} job_id={job.id} status={job.status} id={delivery.id}"
    if not job.is_terminal:  # before the end only a training's progress matters
        if training is not None and await record_progress(client, instance_id, training):
            return _ack(instance_id, "delivered")
        log.info("webhook ignored (not terminal) %s", where)
        return _ack(instance_id, "ignored")
    status = await client.get_status(instance_id)
    if not status or status.runtime_status not in WAITING:
        log.info("webhook ignored (no waiting workflow) %s", where)
        return _ack(instance_id, "ignored")
    try:
        await client.raise_event(instance_id, event_name(job.id), job.dump())
    except Exception:
        # Finished between the check and the event: nothing waits, Replicate may stop. Anything
        # else is ours to fix: a 503 makes Replicate deliver the webhook again.
        status = await client.get_status(instance_id)
        if status and status.runtime_status not in WAITING:
            log.info("webhook ignored (workflow just finished) %s", where)
            return _ack(instance_id, "ignored")
        log.warning("webhook not delivered, Replicate will retry %s", where)
        return fail(503, "the workflow could not be reached; try again")
    log.info("webhook delivered %s", where)
    return _ack(instance_id, "delivered")
