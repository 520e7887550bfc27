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
from devhost.instance import Instance
from devhost.invoke import run_activity
from devhost.loader import FunctionIndex
from devhost.steps import Step
from devhost.store import Store

log = logging.getLogger("devhost")


class ActivityDispatch:
    """Part of the Engine (a mixin): the attributes below are the engine's."""

    index: FunctionIndex
    store: Store
    clock: Clock
    active: dict[str, Instance]
    activity_pool: ThreadPoolExecutor
    _send: Callable[..., None]
    _spawn: Callable[[Any], None]
    client_binding: Callable[[], str]

    def schedule_activity(
        self, step: Step, instance: Instance, task_id: int, action: dict[str, Any]
    ) -> None:
        payload = {
            "instance_id": instance.instance_id,
            "execution_id": instance.execution_id,
            "task_id": task_id,
            "name": action["functionName"],
            "input": action.get("input"),
        }
        work_id = step.tx.add_work("activity", instance.instance_id, payload)
        step.after.append(lambda: self._start_activity(work_id, payload))

    def _start_activity(self, work_id: int, payload: dict[str, Any]) -> None:
        self._spawn(self._run_activity(work_id, payload))

    async def _run_activity(self, work_id: int, payload: dict[str, Any]) -> None:
        activity = self.index.activity(payload["name"])
        started = time.perf_counter()
        if activity is None:
            ok, text, details = False, f"The function '{payload['name']}' doesn't exist.", ""
        else:
            ok, text, details = await run_activity(
                activity,
                payload["input"],
                self.activity_pool,
                uuid.uuid4().hex,
                self.client_binding() if activity.client_param else None,
            )
        log.info(
            "Executed 'Functions.%s' (%s, Id=%s, Duration=%.0fms)",
            payload["name"], "Succeeded" if ok else "Failed", payload["instance_id"],
            (time.perf_counter() - started) * 1000,
        )  # fmt: skip
        now = self.clock.now()
        task_id = payload["task_id"]
        event = (
            h.task_completed(now, task_id, text)
            if ok
            else h.task_failed(now, task_id, text, details)
        )
        instance = self.active.get(payload["instance_id"])
        with self.store.transaction() as tx:
            tx.delete_work(work_id)
            if instance is None or instance.execution_id != payload["execution_id"]:
                return
            step = Step(tx)
            self._send(instance.instance_id, event, instance.execution_id, step=step)
        for run in step.after:
            run()
