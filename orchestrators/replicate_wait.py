"""Waiting for a Replicate job: the webhook's event raced against a durable timer.

Used with `yield from` inside an orchestrator, so it follows the same replay rules.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from activities.contracts import JobRef, ReplicateJob
from orchestrators import policies

REPLICATE_EVENT = "ReplicateWebhook"


def _event_payload(value: Any) -> dict[str, Any]:
    # The Durable extension hands an event raised by the Python client over as JSON text.
    return json.loads(value) if isinstance(value, str) else value


def await_replicate_job(
    context: df.DurableOrchestrationContext,
    *,
    check_activity: Any,
    job_id: str,
    timeout: timedelta,
    max_checks: int,
) -> Generator[Any, Any, ReplicateJob]:
    """Return the job's terminal state from the webhook, or from a check once the timer fires.

    A lost webhook costs one timeout: the check asks Replicate once and, while the job still runs,
    the wait starts again, at most `max_checks` times, before the job is reported `timed_out`.
    """
    for checks_done in range(max_checks + 1):
        timer = context.create_timer(context.current_utc_datetime + timeout)
        event = context.wait_for_external_event(REPLICATE_EVENT)
        winner = yield context.task_any([event, timer])
        if winner == event:
            timer.cancel()
            job = ReplicateJob.model_validate(_event_payload(event.result))
            if job.is_terminal and job.id == job_id:
                return job
            # The webhook function forwards terminal states only, and each workflow starts one
            # job: anything else is stale or misdirected, and the check below asks Replicate.
        if checks_done == max_checks:
            break
        checked = yield context.call_activity_with_retry(
            check_activity, policies.REPLICATE, JobRef(id=job_id).dump()
        )
        job = ReplicateJob.model_validate(checked)
        if job.is_terminal:
            return job
    return ReplicateJob(id=job_id, status="timed_out", error="no result from Replicate in time")
