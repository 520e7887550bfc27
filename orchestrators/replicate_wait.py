"""Waiting for a Replicate job: the webhook's event raced against a durable timer.

Used with `yield from` inside an orchestrator, so it follows the same replay rules.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df
from pydantic import ValidationError

from activities.contracts import JobRef, ReplicateJob
from orchestrators import policies

REPLICATE_EVENT = "ReplicateWebhook"
PROGRESS_EVENT = "ReplicateProgress"
# A training's workflow wakes at most at these percents; the webhook function raises the highest
# mark a `logs` webhook passed (`api/training_progress.py`).
PROGRESS_MARKS = tuple(range(10, 100, 10))
log = logging.getLogger(__name__)


def event_name(job_id: str) -> str:
    """One event name per Replicate job. The Python SDK keeps an event that arrived before its
    wait and answers every later wait of that name with it (azure-functions-durable #507), so a
    shared name would let one stray event end every wait; a job's own name cannot be reused."""
    return f"{REPLICATE_EVENT}-{job_id}"


def progress_event_name(job_id: str, mark: int) -> str:
    """One name per job and mark, for the same reason as `event_name`."""
    return f"{PROGRESS_EVENT}-{job_id}-{mark}"


def _percent(value: Any, mark: int) -> int:
    try:
        payload = json.loads(value) if isinstance(value, str) else value
        return max(mark, min(100, int(payload["percent"])))
    except (ValueError, TypeError, KeyError):
        return mark


def _terminal(value: Any) -> ReplicateJob | None:
    try:
        # The Durable extension hands an event raised by the Python client over as JSON text.
        job = ReplicateJob.model_validate(json.loads(value) if isinstance(value, str) else value)
    except (ValueError, ValidationError):
        return None  # an event no webhook sends (e.g. raised by hand): ask Replicate instead
    return job if job.is_terminal else None


def await_replicate_job(
    context: df.DurableOrchestrationContext,
    *,
    check_activity: Any,
    cancel_activity: Any,
    job_id: str,
    timeout: timedelta,
    max_checks: int,
    on_progress: Callable[[int], None] | None = None,
) -> Generator[Any, Any, ReplicateJob]:
    """Return the job's terminal state from its webhook, or from a check once the timer fires.

    A lost webhook costs one timeout: the check asks Replicate and, while the job still runs, the
    wait starts again, `max_checks` times at most; then the job is cancelled, so it stops costing,
    and reported `timed_out` (unless the cancel reveals it had succeeded, its last webhook lost).
    A check that fails (Replicate or the network down past its retries) only means waiting on.
    With `on_progress`, a progress event (a few per job, see `PROGRESS_MARKS`) is handed to it and
    the same wait goes on: no action is scheduled for it, so histories without one replay as
    before.
    """
    # Each mark's wait is made once and kept: a second wait of the same name would miss its event.
    marks = (
        {m: context.wait_for_external_event(progress_event_name(job_id, m)) for m in PROGRESS_MARKS}
        if on_progress is not None
        else {}
    )
    for _ in range(max_checks):
        timer = context.create_timer(context.current_utc_datetime + timeout)
        event = context.wait_for_external_event(event_name(job_id))
        winner = yield context.task_any([event, timer, *marks.values()])
        while on_progress is not None and winner in marks.values():
            mark = next(m for m, task in marks.items() if task == winner)
            on_progress(_percent(winner.result, mark))
            marks = {m: task for m, task in marks.items() if m > mark}
            winner = yield context.task_any([event, timer, *marks.values()])
        if winner == event:
            timer.cancel()
            job = _terminal(event.result)
            if job is not None and job.id == job_id:
                return job
        try:
            checked = yield context.call_activity_with_retry(
                check_activity, policies.REPLICATE, JobRef(id=job_id).dump()
            )
        except Exception:  # retries exhausted: the job is still Replicate's, keep waiting
            if not context.is_replaying:
                log.warning("replicate check failed, waiting on job_id=%s", job_id)
            continue
        job = ReplicateJob.model_validate(checked)
        if job.is_terminal:
            return job
    timed_out = ReplicateJob(
        id=job_id, status="timed_out", error="no result from Replicate in time"
    )
    try:
        answer = yield context.call_activity_with_retry(
            cancel_activity, policies.REPLICATE, JobRef(id=job_id).dump()
        )
    except Exception:  # Replicate unreachable: the job stays reported as timed out
        return timed_out
    cancelled = ReplicateJob.model_validate(answer)
    return cancelled if cancelled.status == "succeeded" else timed_out
