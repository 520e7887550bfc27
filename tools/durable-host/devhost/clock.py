"""Host time: real UTC time, optionally skipping ahead so long durable timers pass quickly.

With a time scale N, waiting for a timer takes 1/N of its real duration, and when the timer fires
the clock jumps to its due time. Between timers the clock runs at real speed, so timestamps in
history stay realistic (an activity that takes 10 ms still shows 10 ms).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time scale must be positive")
        self.time_scale = time_scale
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def real_delay(self, due: datetime) -> float:
        """Seconds of real time to wait until `due` on this clock."""
        return max(0.0, (due - self.now()).total_seconds() / self.time_scale)

    def advance_to(self, moment: datetime) -> None:
        """Never run behind `moment` (a fired timer, or the history found after a restart)."""
        lag = moment - self.now()
        if lag > timedelta(0):
            self._offset += lag
