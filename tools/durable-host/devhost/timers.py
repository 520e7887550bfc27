"""Armed durable timers: one background task sleeps until the earliest is due."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
from collections.abc import Callable
from datetime import datetime

from devhost.clock import Clock


class TimerQueue:
    def __init__(self, clock: Clock, fire: Callable[[int], None]) -> None:
        self._clock = clock
        self._fire = fire
        self._heap: list[tuple[datetime, int]] = []
        self._armed: dict[int, datetime] = {}
        self._deadline: dict[int, float] = {}  # real (loop) time at which the timer fires
        self._changed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None  # the loop of `run`, once it runs
        clock.on_jump.append(self._changed.set)

    def arm(self, key: int, due: datetime) -> None:
        self._armed[key] = due
        loop = asyncio.get_running_loop()
        self._deadline[key] = loop.time() + self._clock.real_delay(due)
        heapq.heappush(self._heap, (due, key))
        self._changed.set()

    def disarm(self, key: int) -> None:
        self._armed.pop(key, None)
        self._deadline.pop(key, None)

    def __len__(self) -> int:
        return len(self._armed)

    def next_due(self) -> datetime | None:
        """When the earliest armed timer is due (None when none is armed)."""
        self._drop_stale()
        return self._heap[0][0] if self._heap else None

    def _drop_stale(self) -> None:
        while self._heap and self._armed.get(self._heap[0][1]) != self._heap[0][0]:
            heapq.heappop(self._heap)  # disarmed or re-armed

    async def run(self) -> None:
        self.task = asyncio.current_task()  # type: ignore[assignment]
        while True:
            self._drop_stale()
            self._changed.clear()
            if not self._heap:
                await self._changed.wait()
                continue
            due, key = self._heap[0]
            delay = self._deadline[key] - asyncio.get_running_loop().time()
            if delay > 0 and self._clock.now() < due:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=delay)
                continue
            heapq.heappop(self._heap)
            del self._armed[key]
            del self._deadline[key]
            # The episode that delivers the timer must not be earlier than FireAt.
            self._clock.advance_to(due)
            self._fire(key)
