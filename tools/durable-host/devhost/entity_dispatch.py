"""Entity dispatch: operations queue per entity id and run as one batch at a time per entity.

Results of calls go back to the calling orchestration as EventRaised messages named by the
request id; signals get no answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from devhost import history as h
from devhost.clock import Clock
from devhost.entities import (
    batch_request,
    entity_id,
    error_result,
    response_input,
    split_entity_id,
)
from devhost.loader import FunctionIndex
from devhost.steps import Step
from devhost.store import Store, WorkItem

log = logging.getLogger("devhost")


class EntityDispatch:
    """Part of the Engine (a mixin): the attributes below are the engine's."""

    index: FunctionIndex
    store: Store
    clock: Clock
    _replay_pool: ThreadPoolExecutor
    _entity_queues: dict[str, list[WorkItem]]
    _entity_busy: set[str]
    _send: Callable[..., None]
    _spawn: Callable[[Any], None]
    _now: Callable[[], str]

    def signal_entity(self, name: str, key: str, operation: str, input_text: str | None) -> None:
        op = {"op": operation, "input": input_text, "signal": True}
        with self.store.transaction() as tx:
            step = Step(tx)
            self._queue_entity_op(step, entity_id(name, key), op)
        for run in step.after:
            run()

    def _queue_entity_op(self, step: Step, target: str, op: dict[str, Any]) -> None:
        work_id = step.tx.add_work("entity_op", target, op)

        def enqueue() -> None:
            self._entity_queues.setdefault(target, []).append(
                WorkItem(work_id, "entity_op", target, op)
            )
            self._wake_entity(target)

        step.after.append(enqueue)

    def queue_entity_op(self, step: Step, target: str, op: dict[str, Any]) -> None:
        self._queue_entity_op(step, target, op)

    def _wake_entity(self, target: str) -> None:
        if target in self._entity_busy:
            return
        self._entity_busy.add(target)
        self._spawn(self._drain_entity(target))

    async def _drain_entity(self, target: str) -> None:
        try:
            while self._entity_queues.get(target):
                batch = self._entity_queues.pop(target)
                name, key = split_entity_id(target)
                row = self.store.entity(target)
                exists = bool(row and row["exists_"])
                state = row["state"] if row else None
                handle = self.index.entity(name)
                started = time.perf_counter()
                ops = [item.payload for item in batch]
                if handle is None:
                    results = [error_result(f"The entity '{name}' doesn't exist.") for _ in ops]
                else:
                    request = batch_request(name, key, exists, state, ops)
                    loop = asyncio.get_running_loop()
                    try:
                        reply = json.loads(
                            await loop.run_in_executor(self._replay_pool, handle, request)
                        )
                    except (
                        Exception
                    ) as exc:  # the SDK isolates operations; this is a host bug guard
                        log.exception("Entity '%s' batch failed", target)
                        reply = {
                            "entityExists": exists,
                            "entityState": state,
                            "results": [error_result(str(exc)) for _ in ops],
                        }
                    exists, state, results = (
                        reply["entityExists"],
                        reply["entityState"],
                        reply["results"],
                    )
                log.info(
                    "Executed 'Functions.%s' (Succeeded, Id=%s, Operations=%d, Duration=%.0fms)",
                    name, target, len(ops), (time.perf_counter() - started) * 1000,
                )  # fmt: skip
                with self.store.transaction() as tx:
                    step = Step(tx)
                    tx.put_entity(target, name, key, state, exists, self._now())
                    for item, result in zip(batch, results, strict=False):
                        tx.delete_work(item.id)
                        op = item.payload
                        if op["signal"] or not op.get("parent"):
                            continue
                        event = h.event_raised(
                            self.clock.now(), op["request_id"], response_input(result)
                        )
                        self._send(op["parent"], event, op["parent_execution"], step=step)
                for run in step.after:
                    run()
        finally:
            self._entity_busy.discard(target)
