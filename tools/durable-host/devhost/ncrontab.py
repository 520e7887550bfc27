"""NCRONTAB schedules as the Functions timer trigger reads them: six fields, UTC.

`{second} {minute} {hour} {day} {month} {day-of-week}`; each field is `*`, a value, a range
`a-b`, a list `a,b`, any of them with a step (`*/5`, `10-40/10`, `5/15` = from 5 to the end);
months and weekdays may be written as names (`Jan`, `Mon`); Sunday is 0. As in NCrontab, a
moment matches when every field matches (day of month and day of week together).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
# (lowest, highest, names starting at `lowest`) per field
FIELDS = [(0, 59, None), (0, 59, None), (0, 23, None), (1, 31, None), (1, 12, MONTHS), (0, 6, DAYS)]
HORIZON = timedelta(days=366 * 5)  # no match within five years: the schedule never fires


class ScheduleError(ValueError):
    """The expression is not a six-field NCRONTAB schedule."""


def _value(text: str, low: int, names: list[str] | None) -> int:
    if names and text.upper()[:3] in names and not text.isdigit():
        return names.index(text.upper()[:3]) + low
    if not text.isdigit():
        raise ScheduleError(f"not a number: {text!r}")
    return int(text)


def _field(text: str, low: int, high: int, names: list[str] | None) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        span, _, step_text = item.partition("/")
        step = _value(step_text, 0, None) if step_text else 1
        if step < 1:
            raise ScheduleError(f"step must be positive: {item!r}")
        if span == "*":
            first, last = low, high
        elif "-" in span:
            a, _, b = span.partition("-")
            first, last = _value(a, low, names), _value(b, low, names)
        else:
            first = _value(span, low, names)
            last = high if step_text else first
        if not low <= first <= last <= high:
            raise ScheduleError(f"{item!r} is outside {low}-{high}")
        values.update(range(first, last + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Schedule:
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday

    @classmethod
    def parse(cls, expression: str) -> Schedule:
        parts = expression.split()
        if len(parts) != 6:
            raise ScheduleError(f"{expression!r}: an NCRONTAB schedule has six fields")
        return cls(*(_field(p, *spec) for p, spec in zip(parts, FIELDS, strict=True)))

    def next_after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after `moment` (same timezone), or None."""
        t = moment.replace(microsecond=0) + timedelta(seconds=1)
        end = moment + HORIZON
        while t <= end:
            if t.month not in self.months:
                t = (t.replace(day=1) + timedelta(days=32)).replace(
                    day=1, hour=0, minute=0, second=0
                )
            elif t.day not in self.days or (t.weekday() + 1) % 7 not in self.weekdays:
                t = (t + timedelta(days=1)).replace(hour=0, minute=0, second=0)
            elif t.hour not in self.hours:
                t = (t + timedelta(hours=1)).replace(minute=0, second=0)
            elif t.minute not in self.minutes:
                t = (t + timedelta(minutes=1)).replace(second=0)
            elif t.second not in self.seconds:
                t += timedelta(seconds=1)
            else:
                return t
        return None

    def shortest_interval(self, start: datetime) -> timedelta | None:
        """The gap between the next two occurrences: `useMonitor` defaults to on from 1 minute."""
        first = self.next_after(start)
        second = self.next_after(first) if first else None
        return second - first if first and second else None
