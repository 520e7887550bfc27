"""What trainings and predictions share: registering, listing, starting and canceling jobs."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.fakes.replicate import problems
from tools.fakes.replicate.account import Account
from tools.fakes.replicate.config import Schedule
from tools.fakes.replicate.jobs import DEFAULT_EVENTS, Job, new_id


def new_job(
    account: Account, request: Request, kind: str, model: str, version: str, body: dict[str, Any]
) -> Job:
    """A `starting` job from a validated create request, registered on the account."""
    events = body.get("webhook_events_filter")
    job = Job(
        kind=kind,  # type: ignore[arg-type]
        id=new_id(),
        origin=f"{request.url.scheme}://{request.url.netloc}",
        model=model,
        version=version,
        input=body.get("input") or {},
        created_at=account.now(),
        webhook=body.get("webhook"),
        events=frozenset(events) if events else DEFAULT_EVENTS,
        reorder_webhooks=account.faults.take_reorder(kind),  # type: ignore[arg-type]
    )
    account.jobs[job.id] = job
    return job


def list_page(account: Account, request: Request, kind: str) -> Response:
    """The account's jobs of `kind`, newest first, `page_size` a page; the cursor is an offset."""
    size = account.config.page_size
    jobs = sorted(account.jobs_of(kind), key=lambda j: j.created_at, reverse=True)
    try:
        offset = max(0, int(request.query_params.get("cursor", "0")))
    except ValueError:
        return problems.problem(400, "Invalid cursor.")
    page = jobs[offset : offset + size]
    base = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
    following = offset + size
    return JSONResponse(
        {
            "next": f"{base}?cursor={following}" if following < len(jobs) else None,
            "previous": f"{base}?cursor={max(0, offset - size)}" if offset else None,
            "results": [job.to_json() for job in page],
        }
    )


async def start(account: Account, job: Job, schedule: Schedule, first_log: str) -> None:
    """Wait out the `starting` phase, then announce `processing` with the first log line."""
    await asyncio.sleep(schedule.starting)
    job.status = "processing"
    job.started_at = account.now()
    job.logs = first_log
    account.sender.emit(job, "start")
    account.sender.emit(job, "logs")


def cancel(account: Account, job_id: str, kind: str) -> Response:
    """Cancel a running job; a finished one is answered unchanged, as Replicate does."""
    job = account.jobs.get(job_id)
    if job is None or job.kind != kind:
        return problems.not_found()
    if not job.terminal:
        if job.task is not None:
            job.task.cancel()
        job.finish("canceled", account.now())
        job.logs = job.logs or ""
        account.sender.emit(job, "completed")
    return JSONResponse(job.to_json())
