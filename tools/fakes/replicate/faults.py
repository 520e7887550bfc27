"""Injected faults: each one applies to the next `count` matching requests, webhooks or jobs."""

from __future__ import annotations

import threading
from typing import Literal, TypeVar

from pydantic import BaseModel, Field

JobKind = Literal["training", "prediction"]


class RequestFault(BaseModel):
    """Answer matching API requests with an error status, after an optional delay.

    `status=None` only slows the request down. `after=True` processes the request first and then
    answers the error, as when a response is lost: the job exists although the caller saw a failure;
    with `status=None` it answers normally but `delay` seconds late (the job runs meanwhile).
    """

    status: int | None = Field(default=None, ge=400, le=599)
    delay: float = Field(default=0.0, ge=0)
    retry_after: float | None = Field(default=None, ge=0)
    count: int = Field(default=1, ge=1)
    route: str | None = None
    method: str | None = None
    after: bool = False
    detail: str | None = None


class WebhookFault(BaseModel):
    """Disturb webhook messages of `event` (`None`: any event); `reorder` applies to whole jobs.

    - drop: the message is never sent (no attempt, no retry);
    - duplicate: after delivery the same message (same `webhook-id`) is sent once more;
    - delay: wait `delay` seconds before sending;
    - reorder: the job's terminal webhook is sent first, then the earlier events (or, when the
      filter only asks for `completed`, a stale `processing` snapshot), as Replicate warns.
    """

    mode: Literal["drop", "duplicate", "delay", "reorder"]
    count: int = Field(default=1, ge=1)
    kind: JobKind | None = None
    event: str | None = "completed"
    delay: float = Field(default=0.0, ge=0)


class JobFailure(BaseModel):
    """Make the next `count` jobs of `kind` fail with `error` (as the trainer/model would)."""

    kind: JobKind = "training"
    count: int = Field(default=1, ge=1)
    error: str = "Training failed: CUDA out of memory"


_F = TypeVar("_F", RequestFault, WebhookFault, JobFailure)


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: list[RequestFault] = []
        self.webhooks: list[WebhookFault] = []
        self.jobs: list[JobFailure] = []

    def add(self, fault: RequestFault | WebhookFault | JobFailure) -> None:
        with self._lock:
            if isinstance(fault, RequestFault):
                self.requests.append(fault.model_copy())
            elif isinstance(fault, WebhookFault):
                self.webhooks.append(fault.model_copy())
            else:
                self.jobs.append(fault.model_copy())

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self.webhooks.clear()
            self.jobs.clear()

    def snapshot(self) -> dict[str, list[dict[str, object]]]:
        with self._lock:
            return {
                "requests": [f.model_dump() for f in self.requests],
                "webhooks": [f.model_dump() for f in self.webhooks],
                "jobs": [f.model_dump() for f in self.jobs],
            }

    def take_request(self, route: str, method: str) -> RequestFault | None:
        with self._lock:
            for fault in self.requests:
                if fault.route not in (None, route) or fault.method not in (None, method):
                    continue
                return self._consume(self.requests, fault)
        return None

    def take_webhook(self, kind: JobKind, event: str) -> list[WebhookFault]:
        taken: list[WebhookFault] = []
        with self._lock:
            for fault in list(self.webhooks):
                if fault.mode == "reorder" or fault.kind not in (None, kind):
                    continue
                if fault.event not in (None, event):
                    continue
                taken.append(self._consume(self.webhooks, fault))
        return taken

    def take_reorder(self, kind: JobKind) -> bool:
        with self._lock:
            for fault in self.webhooks:
                if fault.mode == "reorder" and fault.kind in (None, kind):
                    self._consume(self.webhooks, fault)
                    return True
        return False

    def take_job_failure(self, kind: JobKind) -> JobFailure | None:
        with self._lock:
            for fault in self.jobs:
                if fault.kind == kind:
                    return self._consume(self.jobs, fault)
        return None

    @staticmethod
    def _consume(pool: list[_F], fault: _F) -> _F:
        fault.count -= 1
        if fault.count <= 0:
            pool.remove(fault)
        return fault
