"""Host time: real UTC time plus an offset that only ever grows, so timers can pass quickly.

Three ways to use it:
- a time scale N (`python -m devhost --time-scale N`): waiting for a timer takes 1/N of its real
  duration, then the clock jumps to its due time;
- time skipping (`devhost.idle.TimeSkipper`): when nothing but timers is pending, the clock jumps
  straight to the earliest one;
- a manual clock: nothing jumps until a test calls `advance`.

Between jumps the clock runs at real speed, so timestamps in history stay realistic (an activity
that takes 10 ms still shows 10 ms), and after a fired timer the clock is never earlier than its
due time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time scale must be positive")
        self.time_scale = time_scale
        self._offset = timedelta(0)
        # Called after every jump: the timer queue re-checks what became due.
        self.on_jump: list[Callable[[], None]] = []

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def real_delay(self, due: datetime) -> float:
        """Seconds of real time to wait until `due` on this clock."""
        return max(0.0, (due - self.now()).total_seconds() / self.time_scale)

    def advance_to(self, moment: datetime) -> None:
        """Never run behind `moment` (a fired timer, a skip, or the history found after a
        restart). Time never runs backwards: an earlier moment changes nothing."""
        lag = moment - self.now()
        if lag > timedelta(0):
            self._offset += lag
            for listener in self.on_jump:
                listener()
