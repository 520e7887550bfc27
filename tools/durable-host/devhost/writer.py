"""How the engine writes each kind of effect inside its step transaction (`Engine.apply`).

Rows are written at once; what depends on them (an inbox append, a started activity, an armed
timer, a queued entity operation) is put on `after`, which runs once the transaction committed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from devhost import history as h
from devhost.activity_dispatch import Activities
from devhost.clock import Clock
from devhost.effects import (
    CancelTimer,
    CreateTimer,
    Decision,
    Effect,
    PutEntity,
    QueueEntityOp,
    ScheduleActivity,
    SendMessage,
    StartOrchestration,
    WorkDone,
)
from devhost.entity_dispatch import Entities
from devhost.instance import Instance, Message, Runtime
from devhost.store import Transaction, WorkItem
from devhost.timer_dispatch import Timers

After = list[Callable[[], None]]


class StepWriter:
    def __init__(
        self,
        clock: Clock,
        active: dict[str, Instance],
        wake: Callable[[str], None],
        activities: Activities,
        timers: Timers,
        entities: Entities,
    ) -> None:
        self._clock = clock
        self._active = active
        self._wake = wake
        self._activities = activities
        self._timers = timers
        self._entities = entities

    def write(self, tx: Transaction, effect: Effect, after: After) -> int | None:
        """Write one effect; the work row's id where it adds one."""
        if isinstance(effect, SendMessage):
            return self._send(tx, effect, after)
        if isinstance(effect, ScheduleActivity):
            payload = effect.payload
            work_id = tx.add_work("activity", payload["instance_id"], payload)
            after.append(lambda: self._activities.start(work_id, payload))
            return work_id
        if isinstance(effect, CreateTimer):
            payload = effect.payload
            work_id = tx.add_work("timer", payload["instance_id"], payload)
            after.append(lambda: self._timers.arm(work_id, payload))
            return work_id
        if isinstance(effect, CancelTimer):
            tx.delete_work(effect.work_id)
            self._timers.disarm(effect.work_id)
        elif isinstance(effect, StartOrchestration):
            self._start(tx, effect, after)
        elif isinstance(effect, QueueEntityOp):
            item = WorkItem(0, "entity_op", effect.target, effect.op)
            item.id = tx.add_work("entity_op", effect.target, effect.op)
            after.append(lambda: self._entities.enqueue(item))
            return item.id
        elif isinstance(effect, WorkDone):
            tx.delete_work(effect.work_id)
        elif isinstance(effect, PutEntity):
            tx.put_entity(effect.target, effect.name, effect.key, effect.state, effect.exists,
                          h.timestamp(self._clock.now()))  # fmt: skip
        return None

    def _send(self, tx: Transaction, message: SendMessage, after: After) -> int:
        payload = {"event": message.event, "execution_id": message.execution_id,
                   "external": message.external}  # fmt: skip
        work_id = tx.add_work("message", message.instance_id, payload)

        def deliver() -> None:
            instance = self._active.get(message.instance_id)
            if instance is not None:
                instance.inbox.append(
                    Message(work_id, message.event, message.execution_id, message.external)
                )
                self._wake(message.instance_id)

        after.append(deliver)
        return work_id

    def _start(self, tx: Transaction, start: StartOrchestration, after: After) -> None:
        # An existing instance with this id is replaced, like the extension's default.
        tx.purge_instance(start.instance_id)
        now = h.timestamp(self._clock.now())
        instance = Instance(
            start.instance_id, start.name, uuid.uuid4().hex, "Pending", start.input, now, now,
            parent=start.parent, version=start.version,
        )  # fmt: skip
        tx.put_instance(instance.row())
        started = h.execution_started(
            self._clock.now(), start.name, start.instance_id, instance.execution_id, start.input,
            h.parent_instance(start.parent), start.version,
        )  # fmt: skip
        payload = {"event": started, "execution_id": instance.execution_id}
        work_id = tx.add_work("message", start.instance_id, payload)

        def register() -> None:
            self._active[start.instance_id] = instance
            instance.inbox.append(Message(work_id, started, instance.execution_id))
            self._wake(start.instance_id)

        after.append(register)

    def write_episode(
        self,
        tx: Transaction,
        instance: Instance,
        consumed: list[Message],
        decision: Decision,
        after: After,
    ) -> None:
        """An orchestration's step: consumed messages, effects, final status, history and row."""
        for message in consumed:
            tx.delete_work(message.work_id)
            instance.inbox.remove(message)
        runtime = decision.runtime
        for effect in decision.effects:
            work_id = self.write(tx, effect, after)
            if isinstance(effect, CreateTimer):
                assert work_id is not None
                runtime.timers[str(effect.payload["timer_id"])] = work_id
        instance.runtime = runtime
        instance.status = decision.status
        instance.output = decision.output
        instance.custom_status = decision.custom_status
        events = decision.events
        if decision.continue_as_new is not None:
            self._append_history(tx, instance, events)
            events = []
            self._drop_work(tx, instance, ("activity", "timer"))
            self._renew(tx, instance, decision.continue_as_new.input, after)
        elif decision.finished:
            self._drop_work(tx, instance, ("message", "activity", "timer"))
            instance.inbox.clear()
            after.append(lambda: self._active.pop(instance.instance_id, None))
        self._append_history(tx, instance, events)
        instance.updated = h.timestamp(self._clock.now())
        tx.put_instance(instance.row())

    def _drop_work(self, tx: Transaction, instance: Instance, kinds: tuple[str, ...]) -> None:
        tx.delete_owner_work(instance.instance_id, kinds)
        for work_id in instance.runtime.timers.values():
            self._timers.disarm(work_id)

    def _renew(
        self, tx: Transaction, instance: Instance, input_text: str | None, after: After
    ) -> None:
        """Continue-as-new: a fresh execution and history, started by its ExecutionStarted."""
        instance.execution_id = uuid.uuid4().hex
        instance.runtime = Runtime()
        instance.history = []
        instance.input = input_text
        instance.output = None
        started = h.execution_started(
            self._clock.now(), instance.name, instance.instance_id, instance.execution_id,
            input_text, h.parent_instance(instance.parent), instance.version,
        )  # fmt: skip
        self._send(tx, SendMessage(instance.instance_id, started, instance.execution_id), after)

    @staticmethod
    def _append_history(tx: Transaction, instance: Instance, events: list[h.Event]) -> None:
        if not events:
            return
        played = []
        for event in events:
            event["IsPlayed"] = True
            played.append(json.dumps(event))
        tx.append_history(
            instance.instance_id, instance.execution_id, len(instance.history), played
        )
        instance.history.extend(played)
