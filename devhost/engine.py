"""The orchestration engine: inboxes, episodes, activities, timers and entities on one event loop.

An episode is OrchestratorStarted + the new events. While a retry is in flight an instance takes
one inbox message per episode, which keeps the host's sequence numbers in step with the SDK (it
numbers retry timers while replaying); otherwise it takes every deliverable message at once.
All state changes of a step are committed in one store transaction before its side effects start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from devhost import history as h
from devhost.clock import Clock
from devhost.entities import split_entity_id
from devhost.instance import ACTIVE, TERMINAL, Instance, Message
from devhost.invoke import run_activity
from devhost.loader import FunctionIndex
from devhost.store import Store, Transaction, WorkItem
from devhost.timers import TimerQueue

log = logging.getLogger("devhost")


@dataclass
class EpisodeStat:
    """Cost of one orchestrator step, for benchmarks and the monitor."""

    instance_id: str
    history_events: int
    replay_seconds: float
    total_seconds: float


@dataclass
class Step:
    """What one transaction will change, and what starts once it is committed."""

    tx: Transaction
    events: list[dict[str, Any]] = field(default_factory=list)
    after: list[Callable[[], None]] = field(default_factory=list)


class Engine:
    def __init__(
        self, index: FunctionIndex, store: Store, clock: Clock, hub_name: str = "TestHubName"
    ) -> None:
        self.index = index
        self.store = store
        self.clock = clock
        self.hub_name = hub_name
        self.active: dict[str, Instance] = {}
        self.stats: list[EpisodeStat] = []
        self.on_episode: Callable[[EpisodeStat], None] | None = None
        self._replay_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="replay")
        self.activity_pool = ThreadPoolExecutor(max_workers=100, thread_name_prefix="activity")
        self._draining: set[str] = set()
        self._entity_queues: dict[str, list[WorkItem]] = {}
        self._entity_busy: set[str] = set()
        self._timers: TimerQueue | None = None
        self._timer_work: dict[int, dict[str, Any]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        """Load every unfinished instance and resume all pending work."""
        self.loop = asyncio.get_running_loop()
        self._timers = TimerQueue(self.clock, self._fire_timer)
        self._spawn(self._timers.run())
        latest = ""
        for row in self.store.instances(statuses=sorted(ACTIVE)):
            instance = Instance.from_row(
                row, self.store.history(row["instance_id"], row["execution_id"])
            )
            self.active[instance.instance_id] = instance
            latest = max(latest, row["updated"])
        if latest:
            self.clock.advance_to(h.parse_time(latest))  # history never runs backwards
        for item in self.store.work():
            self._resume(item)
        for instance_id in list(self.active):
            self._wake(instance_id)

    def _resume(self, item: WorkItem) -> None:
        p = item.payload
        if item.kind == "message":
            instance = self.active.get(item.owner)
            if instance is not None:
                instance.inbox.append(
                    Message(item.id, p["event"], p.get("execution_id"), p.get("external", False))
                )
        elif item.kind == "activity":
            self._start_activity(item.id, p)
        elif item.kind == "timer":
            self._arm(item.id, p)
        elif item.kind == "entity_op":
            self._entity_queues.setdefault(item.owner, []).append(item)
            self._wake_entity(item.owner)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._replay_pool.shutdown(wait=False, cancel_futures=True)
        self.activity_pool.shutdown(wait=False, cancel_futures=True)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("devhost internal error", exc_info=task.exception())

    def _now(self) -> str:
        return h.timestamp(self.clock.now())

    # -- client operations -----------------------------------------------------------------------
    def start_new(self, name: str, instance_id: str | None, input_text: str | None) -> str:
        real = self.index.orchestrator_names.get(name.lower())
        if real is None:
            raise LookupError(name)
        instance_id = instance_id or uuid.uuid4().hex
        with self.store.transaction() as tx:
            step = Step(tx)
            self._create_instance(step, real, instance_id, input_text, None)
        for run in step.after:
            run()
        return instance_id

    def _create_instance(
        self,
        step: Step,
        name: str,
        instance_id: str,
        input_text: str | None,
        parent: dict[str, Any] | None,
    ) -> None:
        # An existing instance with this id is replaced, like the extension's default.
        step.tx.purge_instance(instance_id)
        now = self._now()
        instance = Instance(
            instance_id, name, uuid.uuid4().hex, "Pending", input_text, now, now, parent=parent
        )
        step.tx.put_instance(instance.row())
        started = h.execution_started(
            self.clock.now(), name, instance_id, instance.execution_id, input_text,
            _parent_instance(parent),
        )  # fmt: skip
        payload = {"event": started, "execution_id": instance.execution_id}
        work_id = step.tx.add_work("message", instance_id, payload)

        def register() -> None:
            self.active[instance_id] = instance
            instance.inbox.append(Message(work_id, started, instance.execution_id))
            self._wake(instance_id)

        step.after.append(register)

    def raise_event(self, instance_id: str, name: str, input_text: str | None) -> int:
        """202 accepted, 404 unknown, 410 finished."""
        instance = self.active.get(instance_id)
        if instance is None:
            return 410 if self.store.instance(instance_id) else 404
        event = h.event_raised(self.clock.now(), name, input_text)
        self._send(instance_id, event, None, external=True)
        return 202

    def terminate(self, instance_id: str, reason: str | None) -> int:
        instance = self.active.get(instance_id)
        if instance is None:
            return 410 if self.store.instance(instance_id) else 404
        with self.store.transaction() as tx:
            step = Step(tx)
            step.events.append(
                h.event(h.EventType.EXECUTION_TERMINATED, self.clock.now(), Input=reason)
            )
            self._finish(step, instance, "Terminated", json.dumps(reason))
            self._commit_instance(step, instance)
        for run in step.after:
            run()
        log.info("Terminated '%s' (Id=%s)", instance.name, instance_id)
        return 202

    def set_suspended(self, instance_id: str, suspended: bool) -> int:
        instance = self.active.get(instance_id)
        if instance is None:
            return 410 if self.store.instance(instance_id) else 404
        if suspended and instance.status != "Suspended":
            instance.status = "Suspended"
        elif not suspended and instance.status == "Suspended":
            instance.status = "Running"
        with self.store.transaction() as tx:
            instance.updated = self._now()
            tx.put_instance(instance.row())
        self._wake(instance_id)
        return 202

    def purge(self, instance_id: str) -> bool:
        if self.store.instance(instance_id) is None:
            return False
        self.active.pop(instance_id, None)
        with self.store.transaction() as tx:
            tx.purge_instance(instance_id)
        return True

    def signal_entity(self, name: str, key: str, operation: str, input_text: str | None) -> None:
        from devhost.entities import entity_id

        op = {"op": operation, "input": input_text, "signal": True}
        with self.store.transaction() as tx:
            step = Step(tx)
            self._queue_entity_op(step, entity_id(name, key), op)
        for run in step.after:
            run()

    # -- messages and episodes -------------------------------------------------------------------
    def _send(
        self,
        instance_id: str,
        event: dict[str, Any],
        execution_id: str | None,
        external: bool = False,
        step: Step | None = None,
    ) -> None:
        payload = {"event": event, "execution_id": execution_id, "external": external}

        def write(tx: Transaction) -> Callable[[], None]:
            work_id = tx.add_work("message", instance_id, payload)

            def deliver() -> None:
                instance = self.active.get(instance_id)
                if instance is not None:
                    instance.inbox.append(Message(work_id, event, execution_id, external))
                    self._wake(instance_id)

            return deliver

        if step is not None:
            step.after.append(write(step.tx))
            return
        with self.store.transaction() as tx:
            deliver = write(tx)
        deliver()

    def _wake(self, instance_id: str) -> None:
        if instance_id in self._draining:
            return
        self._draining.add(instance_id)
        self._spawn(self._drain(instance_id))

    async def _drain(self, instance_id: str) -> None:
        try:
            while True:
                instance = self.active.get(instance_id)
                if instance is None or instance.status not in ("Pending", "Running"):
                    return
                messages = self._next_messages(instance)
                if not messages:
                    return
                await self._episode(instance, messages)
        finally:
            self._draining.discard(instance_id)

    def _next_messages(self, instance: Instance, limit: int = 200) -> list[Message]:
        rt = instance.runtime
        single = bool(rt.retries or rt.retry_timers)
        stale: list[Message] = []
        chosen: list[Message] = []
        wanted = {name: count - rt.delivered.get(name, 0) for name, count in rt.waits.items()}
        for message in instance.inbox:
            if message.external:
                # Held back until the orchestrator waits for it: avoids SDK issue #507, where an
                # early event is kept forever and answers every later wait of the same name.
                name = message.event["Name"]
                if wanted.get(name, 0) <= 0:
                    continue
                wanted[name] -= 1
            elif message.execution_id != instance.execution_id:
                stale.append(message)
                continue
            if message.event["EventType"] == h.EventType.EXECUTION_STARTED:
                chosen = [message]  # history[1] must be ExecutionStarted, alone in its episode
                break
            chosen.append(message)
            if single or len(chosen) >= limit:
                break
        if stale:
            with self.store.transaction() as tx:
                for message in stale:
                    tx.delete_work(message.work_id)
                    instance.inbox.remove(message)
        return chosen

    async def _episode(self, instance: Instance, messages: list[Message]) -> None:
        from devhost.episode import apply_state, invoke_orchestrator

        started = time.perf_counter()
        events = [m.event for m in messages]
        opened = h.event(h.EventType.ORCHESTRATOR_STARTED, self.clock.now())
        for message in messages:
            if message.external:
                name = message.event["Name"]
                instance.runtime.delivered[name] = instance.runtime.delivered.get(name, 0) + 1
        handle = self.index.orchestrator(instance.name)
        new_texts = [json.dumps(e) for e in [opened, *events]]
        context = instance.context_json(new_texts)
        loop = asyncio.get_running_loop()
        replay_started = time.perf_counter()
        outcome = await loop.run_in_executor(
            self._replay_pool, invoke_orchestrator, handle, context
        )
        replay_seconds = time.perf_counter() - replay_started
        if self.active.get(instance.instance_id) is not instance or instance.status in TERMINAL:
            return  # terminated or purged while the orchestrator ran
        with self.store.transaction() as tx:
            step = Step(tx, events=[opened, *events])
            for message in messages:
                tx.delete_work(message.work_id)
                instance.inbox.remove(message)
            if instance.status == "Pending":
                instance.status = "Running"
            apply_state(self, step, instance, outcome)
            self._commit_instance(step, instance)
        for run in step.after:
            run()
        stat = EpisodeStat(
            instance.instance_id, len(instance.history), replay_seconds,
            time.perf_counter() - started,
        )  # fmt: skip
        self.stats.append(stat)
        del self.stats[:-1000]
        if self.on_episode is not None:
            self.on_episode(stat)
        log.info(
            "Executed 'Functions.%s' (%s, Id=%s, Duration=%.0fms)",
            instance.name, "Failed" if instance.status == "Failed" else "Succeeded",
            instance.instance_id, stat.total_seconds * 1000,
        )  # fmt: skip

    def _commit_instance(self, step: Step, instance: Instance) -> None:
        """Append the step's history events and save the row (inside the open transaction)."""
        played = []
        for event in step.events:
            event["IsPlayed"] = True
            played.append(json.dumps(event))
        if played:
            step.tx.append_history(
                instance.instance_id, instance.execution_id, len(instance.history), played
            )
            instance.history.extend(played)
        instance.updated = self._now()
        step.tx.put_instance(instance.row())
        step.events = []

    def _finish(self, step: Step, instance: Instance, status: str, output: str | None) -> None:
        """Final status; pending work of the instance is dropped and a parent is told."""
        codes = {"Completed": 1, "Failed": 3, "Terminated": 5}
        if status != "Terminated":
            step.events.append(
                h.event(
                    h.EventType.EXECUTION_COMPLETED,
                    self.clock.now(),
                    OrchestrationStatus=codes[status],
                    Result=output,
                )
            )
        instance.status = status
        instance.output = output
        step.tx.delete_owner_work(instance.instance_id, ("message", "activity", "timer"))
        for work_id in instance.runtime.timers.values():
            self._disarm(work_id)
        instance.inbox.clear()
        parent = instance.parent
        if parent is not None:
            task_id = parent["task_id"]
            if status == "Completed":
                event = h.sub_orchestration_completed(self.clock.now(), task_id, output)
            else:
                reason = json.loads(output) if output else status
                event = h.sub_orchestration_failed(self.clock.now(), task_id, str(reason), "")
            self._send(parent["instance_id"], event, parent["execution_id"], step=step)
        step.after.append(lambda: self.active.pop(instance.instance_id, None))

    # -- activities ------------------------------------------------------------------------------
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
                activity, payload["input"], self.activity_pool, uuid.uuid4().hex
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

    # -- timers ----------------------------------------------------------------------------------
    def schedule_timer(self, step: Step, instance: Instance, timer_id: int, fire_at: str) -> int:
        payload = {
            "instance_id": instance.instance_id,
            "execution_id": instance.execution_id,
            "timer_id": timer_id,
            "fire_at": fire_at,
        }
        work_id = step.tx.add_work("timer", instance.instance_id, payload)
        step.after.append(lambda: self._arm(work_id, payload))
        return work_id

    def _arm(self, work_id: int, payload: dict[str, Any]) -> None:
        assert self._timers is not None
        self._timer_work[work_id] = payload
        self._timers.arm(work_id, h.parse_time(payload["fire_at"]))

    def _disarm(self, work_id: int) -> None:
        self._timer_work.pop(work_id, None)
        if self._timers is not None:
            self._timers.disarm(work_id)

    def _fire_timer(self, work_id: int) -> None:
        payload = self._timer_work.pop(work_id, None)
        if payload is None:
            return
        instance = self.active.get(payload["instance_id"])
        event = h.timer_fired(self.clock.now(), payload["timer_id"], payload["fire_at"])
        with self.store.transaction() as tx:
            tx.delete_work(work_id)
            if instance is None or instance.execution_id != payload["execution_id"]:
                return
            step = Step(tx)
            self._send(instance.instance_id, event, instance.execution_id, step=step)
        for run in step.after:
            run()

    # -- entities --------------------------------------------------------------------------------
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
        from devhost.entities import batch_request, error_result, response_input

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


def _parent_instance(parent: dict[str, Any] | None) -> dict[str, Any] | None:
    if parent is None:
        return None
    return {
        "Name": parent.get("name"),
        "OrchestrationInstance": {
            "InstanceId": parent["instance_id"],
            "ExecutionId": parent["execution_id"],
        },
        "TaskScheduleId": parent["task_id"],
    }
