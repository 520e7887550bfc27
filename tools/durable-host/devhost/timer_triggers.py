"""Timer triggers with the Functions host's rules.

* `schedule`: six-field NCRONTAB in UTC (`%Setting%` references resolved from app settings).
* `run_on_startup`: one invocation when the host starts.
* `use_monitor` (default: on when occurrences are at least a minute apart): the schedule status
  (`Last`, `Next`, `LastUpdated`) is kept across restarts (Azure keeps it in the storage
  account, here beside the host's state); an occurrence missed while the host was down runs at
  start with `IsPastDue` true.
* The function gets a `TimerRequest` decoded from the binding JSON the worker receives, and one
  invocation at a time: an occurrence that comes while the last one still runs is skipped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from azure.functions import meta
from azure.functions.timer import TimerRequestConverter

from devhost import history as h
from devhost.clock import Clock
from devhost.invoke import InvocationContext
from devhost.loader import TimerFunction
from devhost.ncrontab import Schedule
from devhost.queues import resolve_setting_refs

log = logging.getLogger("devhost")
POLL = 1.0  # real seconds between checks, so a jump of the host clock is noticed


class ScheduleMonitor:
    """Schedule status per function: a JSON file per function, or memory only."""

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._memory: dict[str, dict[str, str]] = {}

    def read(self, name: str) -> dict[str, str] | None:
        if self._directory is None:
            return self._memory.get(name)
        path = self._directory / f"{name}.json"
        return json.loads(path.read_text()) if path.exists() else None

    def write(self, name: str, status: dict[str, str]) -> None:
        if self._directory is None:
            self._memory[name] = status
            return
        self._directory.mkdir(parents=True, exist_ok=True)
        (self._directory / f"{name}.json").write_text(json.dumps(status))


def timer_binding(past_due: bool, status: dict[str, str] | None) -> str:
    return json.dumps(
        {"Schedule": {"AdjustForDST": True}, "ScheduleStatus": status, "IsPastDue": past_due}
    )


class TimerTrigger:
    def __init__(
        self,
        function: TimerFunction,
        clock: Clock,
        monitor: ScheduleMonitor,
        pool: Executor,
        client_binding: Callable[[], str],
    ) -> None:
        self.function = function
        self.schedule = Schedule.parse(resolve_setting_refs(function.schedule))
        self._clock = clock
        self._monitor = monitor
        self._pool = pool
        self._client_binding = client_binding
        self._lock = asyncio.Lock()
        interval = self.schedule.shortest_interval(clock.now())
        self.use_monitor = (
            function.use_monitor
            if function.use_monitor is not None
            else interval is None or interval >= timedelta(minutes=1)
        )

    async def run(self) -> None:
        now = self._clock.now()
        status = self._monitor.read(self.function.name) if self.use_monitor else None
        if self.function.run_on_startup:
            await self.invoke(past_due=False)
        elif status and status.get("Next") and h.parse_time(status["Next"]) <= now:
            await self.invoke(past_due=True, occurrence=h.parse_time(status["Next"]))
        due = self.schedule.next_after(self._clock.now())
        while due is not None:
            if self._clock.now() < due:
                await asyncio.sleep(min(POLL, self._clock.real_delay(due)))
                continue
            await self.invoke(past_due=False, occurrence=due)
            due = self.schedule.next_after(max(due, self._clock.now()))

    async def invoke(self, *, past_due: bool, occurrence: datetime | None = None) -> bool:
        """One invocation; False when the last one still runs (timer functions are singletons)."""
        if self._lock.locked():
            return False
        async with self._lock:
            function = self.function
            status = self._monitor.read(function.name) if self.use_monitor else None
            datum = meta.Datum(timer_binding(past_due, status), "json")
            kwargs: dict[str, Any] = {
                function.trigger_param: TimerRequestConverter.decode(datum, trigger_metadata={})
            }
            if function.client_param:
                kwargs[function.client_param] = self._client_binding()
            if function.wants_context:
                kwargs["context"] = InvocationContext(str(uuid.uuid4()), function.name)
            started = time.perf_counter()
            outcome = "Succeeded"
            try:
                if function.is_async:
                    await function.fn(**kwargs)
                else:
                    loop = asyncio.get_running_loop()
                    await loop.run_in_executor(self._pool, partial(function.fn, **kwargs))
            except Exception as exc:
                outcome = f"Failed: {type(exc).__name__}: {exc}"
            log.info(
                "Executed 'Functions.%s' (%s, IsPastDue=%s, Duration=%.0fms)",
                function.name, outcome, past_due, (time.perf_counter() - started) * 1000,
            )  # fmt: skip
            if self.use_monitor:
                now = self._clock.now()
                last = occurrence or now
                following = self.schedule.next_after(max(last, now))
                self._monitor.write(
                    function.name,
                    {
                        "Last": h.timestamp(last),
                        "Next": h.timestamp(following) if following else "",
                        "LastUpdated": h.timestamp(now),
                    },
                )
        return True
