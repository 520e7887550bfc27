"""The orchestration engine: instances, inboxes and episodes, on one event loop.

What a step does is decided by pure rules (`devhost.decide`) and written by `apply`, the one
place that turns a step's effects into store rows, in one transaction, before anything that
depends on them starts. Activities, timers and entities are collaborators the engine holds
(`activity_dispatch`, `timer_dispatch`, `entity_dispatch`).

An episode is OrchestratorStarted + the new events. While a retry is in flight an instance takes
one inbox message per episode, which keeps the host's sequence numbers in step with the SDK (it
numbers retry timers while replaying); otherwise it takes every deliverable message at once.
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

from devhost import decide
from devhost import history as h
from devhost.activity_dispatch import Activities
from devhost.binding import client_binding
from devhost.clock import Clock
from devhost.effects import (
    Decision,
    Effect,
    QueueEntityOp,
    SendMessage,
    StartOrchestration,
    WorkDone,
)
from devhost.entities import entity_id
from devhost.entity_dispatch import Entities
from devhost.instance import ACTIVE, TERMINAL, Instance, Message
from devhost.invoke import invoke_orchestrator
from devhost.loader import FunctionIndex
from devhost.steps import EpisodeStat
from devhost.store import Store, WorkItem
from devhost.tasks import Tasks
from devhost.timer_dispatch import Timers
from devhost.versioning import Versioning
from devhost.writer import StepWriter

log = logging.getLogger("devhost")


class Engine:
    """Instances, their inboxes and episodes; activities, timers and entities by collaborators."""

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
        self.catalog = decide.Catalog(
            index.activities.keys(), index.orchestrator_names, self.versioning.default_version
        )
        self.active: dict[str, Instance] = {}
        self.stats: list[EpisodeStat] = []
        self.on_episode: Callable[[EpisodeStat], None] | None = None
        self.tasks = Tasks()
        self._replay_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="replay")
        self.activities = Activities(index, clock, self.tasks, self.client_binding, self._complete)
        self.timers = Timers(clock, self.tasks, self._complete)
        self.entities = Entities(index, store, clock, self.tasks, self._replay_pool, self.apply)
        self._writer = StepWriter(
            clock, self.active, self.wake, self.activities, self.timers, self.entities
        )
        self._draining: set[str] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        # Where the host listens, once it does: the durable client binding of non-HTTP
        # functions (activities, timers) points there.
        self.origin = "http://127.0.0.1:7071"

    @property
    def activity_pool(self) -> ThreadPoolExecutor:
        return self.activities.pool

    def client_binding(self) -> str:
        return client_binding(self.origin, self.hub_name)

    # -- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        """Load every unfinished instance and resume all pending work."""
        self.loop = asyncio.get_running_loop()
        self.timers.start()
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
            self.wake(instance_id)

    def _resume(self, item: WorkItem) -> None:
        p = item.payload
        if item.kind == "message":
            instance = self.active.get(item.owner)
            if instance is not None:
                instance.inbox.append(
                    Message(item.id, p["event"], p.get("execution_id"), p.get("external", False))
                )
        elif item.kind == "activity":
            self.activities.start(item.id, p)
        elif item.kind == "timer":
            self.timers.arm(item.id, p)
        elif item.kind == "entity_op":
            self.entities.enqueue(item)

    async def stop(self) -> None:
        await self.tasks.cancel_all()
        self._replay_pool.shutdown(wait=False, cancel_futures=True)
        self.activities.stop()

    # -- the one place a step is written ---------------------------------------------------------
    def apply(
        self,
        effects: list[Effect] | tuple[Effect, ...] = (),
        episode: tuple[Instance, list[Message], Decision] | None = None,
    ) -> None:
        """Write a step in one transaction; once committed, start what depends on it.

        `episode`: an orchestration's step, the inbox messages it consumed and its decision.
        """
        after: list[Callable[[], None]] = []
        with self.store.transaction() as tx:
            for effect in effects:
                self._writer.write(tx, effect, after)
            if episode is not None:
                self._writer.write_episode(tx, *episode, after)
        for run in after:
            run()

    def _complete(self, work_id: int, payload: dict[str, Any], event: h.Event) -> None:
        """Finished work answers its orchestration, unless that execution is gone."""
        instance = self.active.get(payload["instance_id"])
        effects: list[Effect] = [WorkDone(work_id)]
        if instance is not None and instance.execution_id == payload["execution_id"]:
            effects.append(SendMessage(instance.instance_id, event, instance.execution_id))
        self.apply(effects)

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
        self.apply([StartOrchestration(real, instance_id, input_text, None, version)])
        return instance_id

    def raise_event(self, instance_id: str, name: str, input_text: str | None) -> int:
        """202 accepted, 404 unknown, 410 finished."""
        instance = self.active.get(instance_id)
        if instance is None:
            return 410 if self.store.instance(instance_id) else 404
        event = h.event_raised(self.clock.now(), name, input_text)
        self.apply([SendMessage(instance_id, event, None, external=True)])
        return 202

    def terminate(self, instance_id: str, reason: str | None) -> int:
        instance = self.active.get(instance_id)
        if instance is None:
            return 410 if self.store.instance(instance_id) else 404
        self.apply(episode=(instance, [], decide.terminated(instance, reason, self.clock.now())))
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
            instance.updated = h.timestamp(self.clock.now())
            tx.put_instance(instance.row())
        self.wake(instance_id)
        return 202

    def purge(self, instance_id: str) -> bool:
        if self.store.instance(instance_id) is None:
            return False
        self.active.pop(instance_id, None)
        with self.store.transaction() as tx:
            tx.purge_instance(instance_id)
        return True

    def signal_entity(self, name: str, key: str, operation: str, input_text: str | None) -> None:
        op = {"op": operation, "input": input_text, "signal": True}
        self.apply([QueueEntityOp(entity_id(name, key), op)])

    # -- inboxes and episodes --------------------------------------------------------------------
    def wake(self, instance_id: str) -> None:
        if instance_id in self._draining:
            return
        self._draining.add(instance_id)
        self.tasks.spawn(self._drain(instance_id))

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
            for message in stale:
                instance.inbox.remove(message)
            self.apply([WorkDone(message.work_id) for message in stale])
        return chosen

    async def _episode(self, instance: Instance, messages: list[Message]) -> None:
        started = time.perf_counter()
        opened = h.event(h.EventType.ORCHESTRATOR_STARTED, self.clock.now())
        events = [opened, *(m.event for m in messages)]
        context = instance.context_json([json.dumps(e) for e in events])
        handle = self.index.orchestrator(instance.name)
        loop = asyncio.get_running_loop()
        replay_started = time.perf_counter()
        outcome = await loop.run_in_executor(
            self._replay_pool, invoke_orchestrator, handle, context
        )
        replay_seconds = time.perf_counter() - replay_started
        if self.active.get(instance.instance_id) is not instance or instance.status in TERMINAL:
            return  # terminated or purged while the orchestrator ran
        now = self.clock.now()
        decision = decide.orchestrator_step(instance, events, outcome, self.catalog, now)
        self.apply(episode=(instance, messages, decision))
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
        events = [opened, *(m.event for m in messages)]
        decision = decide.version_mismatch(instance, events, self.clock.now())
        self.apply(episode=(instance, messages, decision))
        return True
