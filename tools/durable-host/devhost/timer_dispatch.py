"""Durable timers: a timer is a work row armed on the TimerQueue and answered by TimerFired."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from devhost import history as h
from devhost.clock import Clock
from devhost.completion import Complete
from devhost.tasks import Tasks
from devhost.timers import TimerQueue


class Timers:
    """Armed timers by work id; a fired one is completed like any other work."""

    def __init__(self, clock: Clock, tasks: Tasks, complete: Complete) -> None:
        self._clock = clock
        self._tasks = tasks
        self._complete = complete
        self._queue: TimerQueue | None = None
        self._work: dict[int, dict[str, Any]] = {}  # work id -> payload, while armed

    def start(self) -> None:
        """Needs the running loop: the queue's task sleeps until the earliest timer."""
        self._queue = TimerQueue(self._clock, self._fire)
        self._tasks.spawn(self._queue.run())

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The timer loop's own task (it always waits, so it is not work in flight)."""
        return self._queue.task if self._queue is not None else None

    def next_due(self) -> datetime | None:
        return self._queue.next_due() if self._queue is not None else None

    def arm(self, work_id: int, payload: dict[str, Any]) -> None:
        assert self._queue is not None
        self._work[work_id] = payload
        self._queue.arm(work_id, h.parse_time(payload["fire_at"]))

    def disarm(self, work_id: int) -> None:
        self._work.pop(work_id, None)
        if self._queue is not None:
            self._queue.disarm(work_id)

    def _fire(self, work_id: int) -> None:
        payload = self._work.pop(work_id, None)
        if payload is None:
            return
        event = h.timer_fired(self._clock.now(), payload["timer_id"], payload["fire_at"])
        self._complete(work_id, payload, event)
