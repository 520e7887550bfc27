"""`logs` webhooks of a running training become its progress, without waking its workflow.

Replicate sends one per new log output (at most every 500 ms) for the whole training, so each is
kept cheap: the percent is read from the logs, and only a rise is written (to the training's row,
etag-guarded). Passing a tenth wakes the workflow with the percent for its custom status (nine
times per training at most), and passing a mark of `TrainingProgressNotifications` queues one
notification.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df

from calendary.bootstrap import services
from calendary.domain import notifications
from calendary.replicate.models import Training
from calendary.replicate.progress import steps_requested, training_percent
from orchestrators import names
from orchestrators.contracts import TrainingJob
from orchestrators.replicate_wait import PROGRESS_MARKS, progress_event_name

log = logging.getLogger(__name__)

RUNNING = {df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending}


def is_training(raw: dict[str, Any]) -> bool:
    """Trainings carry `output.version` when done, and always the `input_images` zip we sent."""
    given = raw.get("input")
    return isinstance(raw.get("output"), dict) or (
        isinstance(given, dict) and "input_images" in given
    )


async def record_progress(
    client: df.DurableOrchestrationClient, instance_id: str, training: Training
) -> int | None:
    """The new percent when this webhook raised the training's progress, else None."""
    percent = training_percent(training.logs, steps_requested(training.input))
    if percent is None:
        return None
    status = await client.get_status(instance_id, show_input=True)
    if not status or status.runtime_status not in RUNNING or status.name != names.TRAIN_MODEL:
        return None
    given = status.input_
    job = TrainingJob.model_validate(json.loads(given) if isinstance(given, str) else given)
    svc = services()
    now = datetime.now(UTC)
    previous = await asyncio.to_thread(
        svc.trainings.raise_progress, job.chat_id, training.id, percent, now
    )
    if previous is None:
        return None
    log.info(
        "training progress chat_id=%s instance_id=%s training_id=%s percent=%d",
        job.chat_id,
        instance_id,
        training.id,
        percent,
    )
    passed = [m for m in PROGRESS_MARKS if previous < m <= percent]
    if passed:  # the workflow's custom status (and the monitor) shows it
        name = progress_event_name(training.id, passed[-1])
        try:
            await client.raise_event(instance_id, name, {"percent": percent})
        except Exception:  # it just finished: the row keeps the progress all the same
            log.info("progress event not raised instance_id=%s percent=%d", instance_id, percent)
    crossed = [m for m in svc.settings.progress_marks if previous < m <= percent]
    if crossed:  # several marks passed at once: the user hears the latest only
        message = notifications.training_progress(
            job.chat_id,
            training_id=training.id,
            percent=crossed[-1],
            language=svc.settings.notification_language,
        )
        await asyncio.to_thread(svc.notifications.send, message)
    return percent
