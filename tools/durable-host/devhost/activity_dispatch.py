"""Activity dispatch: a scheduled activity is a work row, run concurrently, answered by a message.

Async activities run on the host's event loop, sync ones in the activity thread pool. A restart
re-runs every activity whose work row is still there (at-least-once, as in Azure).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from devhost import history as h
from devhost.clock import Clock
from devhost.completion import Complete
from devhost.invoke import run_activity
from devhost.loader import FunctionIndex
from devhost.tasks import Tasks

log = logging.getLogger("devhost")


class Activities:
    """Runs activity work rows; `pool` also serves the app's other sync functions."""

    def __init__(
        self,
        index: FunctionIndex,
        clock: Clock,
        tasks: Tasks,
        client_binding: Callable[[], str],
        complete: Complete,
    ) -> None:
        self._index = index
        self._clock = clock
        self._tasks = tasks
        self._client_binding = client_binding
        self._complete = complete
        self.pool = ThreadPoolExecutor(max_workers=100, thread_name_prefix="activity")

    def start(self, work_id: int, payload: dict[str, Any]) -> None:
        self._tasks.spawn(self._run(work_id, payload))

    def stop(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def _run(self, work_id: int, payload: dict[str, Any]) -> None:
        activity = self._index.activity(payload["name"])
        started = time.perf_counter()
        if activity is None:
            ok, text, details = False, f"The function '{payload['name']}' doesn't exist.", ""
        else:
            ok, text, details = await run_activity(
                activity,
                payload["input"],
                self.pool,
                uuid.uuid4().hex,
                self._client_binding() if activity.client_param else None,
            )
        log.info(
            "Executed 'Functions.%s' (%s, Id=%s, Duration=%.0fms)",
            payload["name"], "Succeeded" if ok else "Failed", payload["instance_id"],
            (time.perf_counter() - started) * 1000,
        )  # fmt: skip
        now = self._clock.now()
        task_id = payload["task_id"]
        event = (
            h.task_completed(now, task_id, text)
            if ok
            else h.task_failed(now, task_id, text, details)
        )
        self._complete(work_id, payload, event)
