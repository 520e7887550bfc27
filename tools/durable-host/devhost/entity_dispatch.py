"""Entity dispatch: operations queue per entity id and run as one batch at a time per entity.

Results of calls go back to the calling orchestration as EventRaised messages named by the
request id; signals get no answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from devhost import history as h
from devhost.clock import Clock
from devhost.effects import Effect, PutEntity, SendMessage, WorkDone
from devhost.entities import batch_request, error_result, response_input, split_entity_id
from devhost.loader import FunctionIndex
from devhost.store import Store, WorkItem
from devhost.tasks import Tasks

log = logging.getLogger("devhost")


class Entities:
    """Queued operations per entity; a batch's outcome goes to `apply` as one step."""

    def __init__(
        self,
        index: FunctionIndex,
        store: Store,
        clock: Clock,
        tasks: Tasks,
        pool: ThreadPoolExecutor,
        apply: Callable[[Sequence[Effect]], None],
    ) -> None:
        self._index = index
        self._store = store
        self._clock = clock
        self._tasks = tasks
        self._pool = pool
        self._apply = apply
        self._queues: dict[str, list[WorkItem]] = {}
        self._busy: set[str] = set()

    def enqueue(self, item: WorkItem) -> None:
        self._queues.setdefault(item.owner, []).append(item)
        if item.owner in self._busy:
            return
        self._busy.add(item.owner)
        self._tasks.spawn(self._drain(item.owner))

    async def _drain(self, target: str) -> None:
        try:
            while self._queues.get(target):
                await self._run_batch(target, self._queues.pop(target))
        finally:
            self._busy.discard(target)

    async def _run_batch(self, target: str, batch: list[WorkItem]) -> None:
        name, key = split_entity_id(target)
        row = self._store.entity(target)
        exists = bool(row and row["exists_"])
        state = row["state"] if row else None
        handle = self._index.entity(name)
        started = time.perf_counter()
        ops = [item.payload for item in batch]
        if handle is None:
            results = [error_result(f"The entity '{name}' doesn't exist.") for _ in ops]
        else:
            request = batch_request(name, key, exists, state, ops)
            loop = asyncio.get_running_loop()
            try:
                reply = json.loads(await loop.run_in_executor(self._pool, handle, request))
            except Exception as exc:  # the SDK isolates operations; this is a host bug guard
                log.exception("Entity '%s' batch failed", target)
                reply = {
                    "entityExists": exists,
                    "entityState": state,
                    "results": [error_result(str(exc)) for _ in ops],
                }
            exists, state = reply["entityExists"], reply["entityState"]
            results = reply["results"]
        log.info(
            "Executed 'Functions.%s' (Succeeded, Id=%s, Operations=%d, Duration=%.0fms)",
            name, target, len(ops), (time.perf_counter() - started) * 1000,
        )  # fmt: skip
        effects: list[Effect] = [PutEntity(target, name, key, state, exists)]
        for item, result in zip(batch, results, strict=False):
            effects.append(WorkDone(item.id))
            op = item.payload
            if op["signal"] or not op.get("parent"):
                continue
            event = h.event_raised(self._clock.now(), op["request_id"], response_input(result))
            effects.append(SendMessage(op["parent"], event, op["parent_execution"]))
        self._apply(effects)
