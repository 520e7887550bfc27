"""The orchestration engine: instances, inboxes and episodes, on one event loop.

Activities, timers and entities are dispatched by the mixins in `activity_dispatch`,
`timer_dispatch` and `entity_dispatch`; what one step changes is a `steps.Step`.

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
from typing import Any

from devhost import history as h
from devhost.activity_dispatch import ActivityDispatch
from devhost.binding import client_binding
from devhost.clock import Clock
from devhost.entity_dispatch import EntityDispatch
from devhost.instance import ACTIVE, TERMINAL, Instance, Message
from devhost.loader import FunctionIndex
from devhost.steps import EpisodeStat, Step
from devhost.store import Store, Transaction, WorkItem
from devhost.timer_dispatch import TimerDispatch
from devhost.timers import TimerQueue
from devhost.versioning import MISMATCH_MESSAGE, MISMATCH_TYPE, Versioning

log = logging.getLogger("devhost")


class Engine(ActivityDispatch, TimerDispatch, EntityDispatch):
    """Instances, their inboxes and episodes; activities, timers and entities via the mixins."""

    def __init__(
        self,
        index: FunctionIndex,
        store: Store,
        clock: Clock,
        hub_name: str = "TestHubName",
        versioning: Versioning | None = None,
    ) -> None:
        self.index = index
        self.store = store
        self.clock = clock
        self.hub_name = hub_name
        self.versioning = versioning or Versioning()
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
        # Where the host listens, once it does: the durable client binding of non-HTTP
        # functions (activities, timers) points there.
        self.origin = "http://127.0.0.1:7071"

    def client_binding(self) -> str:
        return client_binding(self.origin, self.hub_name)

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
    def start_new(
        self,
        name: str,
        instance_id: str | None,
        input_text: str | None,
        version: str | None = None,
    ) -> str:
        real = self.index.orchestrator_names.get(name.lower())
        if real is None:
            raise LookupError(name)
        instance_id = instance_id or uuid.uuid4().hex
        if version is None:
            version = self.versioning.default_version
        with self.store.transaction() as tx:
            step = Step(tx)
            self._create_instance(step, real, instance_id, input_text, None, version)
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
        version: str,
    ) -> None:
        # An existing instance with this id is replaced, like the extension's default.
        step.tx.purge_instance(instance_id)
        now = self._now()
        instance = Instance(
            instance_id, name, uuid.uuid4().hex, "Pending", input_text, now, now, parent=parent,
            version=version,
        )  # fmt: skip
        step.tx.put_instance(instance.row())
        started = h.execution_started(
            self.clock.now(), name, instance_id, instance.execution_id, input_text,
            h.parent_instance(parent), version,
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
            # DTFx runs a step for it: the orchestration completes as Terminated, with the reason.
            now = self.clock.now()
            step = Step(tx)
            step.events.append(h.event(h.EventType.ORCHESTRATOR_STARTED, now))
            step.events.append(h.event(h.EventType.EXECUTION_TERMINATED, now, Input=reason))
            self._finish(step, instance, "Terminated", json.dumps(reason))
            step.events.append(h.event(h.EventType.ORCHESTRATOR_COMPLETED, now))
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
                if not self.versioning.accepts(instance.version):
                    if not self._version_mismatch(instance, messages):
                        return
                    continue
                await self._episode(instance, messages)
        finally:
            self._draining.discard(instance_id)

    def _next_messages(self, instance: Instance, limit: int = 200) -> list[Message]:
        """The next episode's new events, in arrival order.

        External events are taken as they come, whether or not the orchestrator waits for that
        name yet, as the extension appends them; the SDK then does what it does with them.
        """
        single = bool(instance.runtime.retries or instance.runtime.retry_timers)
        stale: list[Message] = []
        chosen: list[Message] = []
        for message in instance.inbox:
            if not message.external and message.execution_id != instance.execution_id:
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

    def _version_mismatch(self, instance: Instance, messages: list[Message]) -> bool:
        """DTFx's dispatcher: `Reject` leaves the work untouched, `Fail` fails the instance.

        Returns whether the instance changed (and its inbox should be looked at again).
        """
        if self.versioning.failure == "Reject":
            log.warning(
                "Orchestration '%s' (Id=%s) has version '%s', which this host "
                "(defaultVersion '%s', %s) does not run: left as it is",
                instance.name, instance.instance_id, instance.version,
                self.versioning.default_version, self.versioning.match,
            )  # fmt: skip
            return False
        opened = h.event(h.EventType.ORCHESTRATOR_STARTED, self.clock.now())
        failure = {"ErrorType": MISMATCH_TYPE, "ErrorMessage": MISMATCH_MESSAGE,
                   "StackTrace": None, "InnerFailure": None, "IsNonRetriable": True}  # fmt: skip
        with self.store.transaction() as tx:
            step = Step(tx, events=[opened, *(m.event for m in messages)])
            for message in messages:
                tx.delete_work(message.work_id)
                instance.inbox.remove(message)
            output = json.dumps(f"{MISMATCH_TYPE}: {MISMATCH_MESSAGE}")
            self._finish(step, instance, "Failed", output, failure)
            step.events.append(h.event(h.EventType.ORCHESTRATOR_COMPLETED, self.clock.now()))
            self._commit_instance(step, instance)
        for run in step.after:
            run()
        return True

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

    def _finish(
        self,
        step: Step,
        instance: Instance,
        status: str,
        output: str | None,
        failure: dict[str, Any] | None = None,
    ) -> None:
        """Final status; pending work of the instance is dropped and a parent is told.

        `failure` is DTFx FailureDetails, set when the host (not the orchestrator) fails it.
        """
        codes = {"Completed": 1, "Failed": 3, "Terminated": 5}
        result = None if failure else output
        if status == "Terminated":  # the reason as given, not JSON-encoded
            result = json.loads(output) if output else None
        step.events.append(
            h.event(
                h.EventType.EXECUTION_COMPLETED,
                self.clock.now(),
                OrchestrationStatus=codes[status],
                Result=result,
                FailureDetails=failure,
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
