"""Durable timers: a timer is a work row armed on the TimerQueue and answered by TimerFired."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devhost import history as h
from devhost.clock import Clock
from devhost.instance import Instance
from devhost.steps import Step
from devhost.store import Store
from devhost.timers import TimerQueue


class TimerDispatch:
    """Part of the Engine (a mixin): the attributes below are the engine's."""

    store: Store
    clock: Clock
    active: dict[str, Instance]
    _timers: TimerQueue | None
    _timer_work: dict[int, dict[str, Any]]
    _send: Callable[..., None]

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
