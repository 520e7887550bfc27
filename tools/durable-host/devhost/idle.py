"""Time skipping: when only durable timers are pending, the host clock jumps to the earliest.

Work in flight is anything that can still produce a message for an orchestration:
- an orchestrator episode, an activity or an entity batch under way (the engine's tasks; an
  inbox message that can be delivered starts an episode at once, so it shows up as one);
- work outside the host that a test declared with `hold_while` (a fake server that will call
  back), or a `hold()` the test is inside of.

HTTP requests to the host are not counted: an HTTP starter that waits for its orchestration to
finish would otherwise hold back the very timer it waits for. What a request changes (a start,
a raised event) is an inbox message before its answer is sent, and from then on it counts.
Time never jumps past in-flight work, so a timer can only fire "early" relative to work a test
did not declare; production sees the same order whenever that work is slower than the timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from devhost.engine import Engine

log = logging.getLogger("devhost")


def engine_busy(engine: Engine) -> bool:
    """Whether an episode, activity or entity batch is under way (the timer loop aside)."""
    # Read from the engine's own tasks rather than tracked alongside them, so nothing can drift.
    return engine.tasks.busy(besides=engine.timers.task)


class TimeSkipper:
    """Decides when the host is idle; with `run()` going, skips time whenever it is.

    `grace` is how long (real seconds) the host must stay idle before a jump, for work that a
    test cannot declare. The default, 0, skips as soon as the rule holds.
    """

    def __init__(self, engine: Engine, *, grace: float = 0.0, poll: float = 0.002) -> None:
        self.engine = engine
        self.grace = grace
        self.poll = poll
        self.holds: list[Callable[[], bool]] = []
        self.skips = 0
        self._paused = 0
        self._forced = 0

    def hold_while(self, check: Callable[[], bool]) -> None:
        """Count `check()` being true as work in flight (it is called on the host's loop)."""
        self.holds.append(check)

    @contextlib.contextmanager
    def holding(self, check: Callable[[], bool]) -> Iterator[None]:
        """`hold_while(check)` for the duration of the block only."""
        self.holds.append(check)
        try:
            yield
        finally:
            self.holds.remove(check)

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """No skipping inside this block (e.g. to raise an event before a timer may fire)."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    @contextlib.contextmanager
    def skipping(self) -> Iterator[None]:
        """Skip inside this block even under a `hold()`: a suite can hold the clock throughout
        and let it skip only while a test waits for an outcome."""
        self._forced += 1
        try:
            yield
        finally:
            self._forced -= 1

    def busy(self) -> bool:
        if (self._paused and not self._forced) or engine_busy(self.engine):
            return True
        for check in self.holds:
            try:
                if check():
                    return True
            except Exception:  # a broken check must not let time run past real work
                log.exception("time-skipping hold check failed")
                return True
        return False

    def next_due(self) -> datetime | None:
        return self.engine.timers.next_due()

    def settled(self) -> bool:
        """Idle, and no timer is due that has not fired yet."""
        due = self.next_due()
        return not self.busy() and (due is None or due > self.engine.clock.now())

    async def settle(self, within: float) -> None:
        """Until `settled()` holds, e.g. after a manual advance fired some timers."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        await asyncio.sleep(0)  # let the timer loop see the jump first
        while not self.settled():
            if loop.time() > deadline:
                raise TimeoutError("the host did not become idle in time")
            await asyncio.sleep(self.poll)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        idle_since: float | None = None
        while True:
            await asyncio.sleep(self.poll)
            if self.busy():
                idle_since = None
                continue
            now = loop.time()
            idle_since = now if idle_since is None else idle_since
            due = self.next_due()
            if now - idle_since < self.grace or due is None:
                continue
            if due > self.engine.clock.now():
                self.engine.clock.advance_to(due)
                self.skips += 1
                idle_since = None
