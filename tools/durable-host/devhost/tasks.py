"""The engine's background tasks (episodes, activities, entity batches, the timer loop).

Time skipping reads "work in flight" from here, so nothing is tracked twice and nothing drifts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("devhost")


class Tasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("devhost internal error", exc_info=task.exception())

    def busy(self, besides: asyncio.Task[Any] | None = None) -> bool:
        """Whether a task other than `besides` is under way."""
        return any(not task.done() and task is not besides for task in self._tasks)

    async def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
