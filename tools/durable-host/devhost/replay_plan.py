"""What a recorded history says the orchestrator did: its scheduled work, in sequence order, and
the events to hand back to it.

The exported history has no sequence numbers (EventId, TaskScheduledId and TimerId are removed),
and the scheduling rows of finished tasks live on in their completions as `ScheduledTime`. So the
recorded sequence is rebuilt from time: every scheduled activity, sub-orchestration, timer and
entity message, ordered by the time it was scheduled. Rows of one step can share a timestamp;
the replay treats such ties as unordered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from devhost.history import parse_time
from devhost.history_file import Recorded

ACTIVITY_COMPLETIONS = frozenset({"TaskCompleted", "TaskFailed"})
SUB_COMPLETIONS = frozenset({"SubOrchestrationInstanceCompleted", "SubOrchestrationInstanceFailed"})
# Events that move the orchestration on; everything else is bookkeeping the SDK ignores.
FED = ACTIVITY_COMPLETIONS | SUB_COMPLETIONS | {"TimerFired", "EventRaised"}


@dataclass
class Scheduled:
    """One piece of work the recorded run scheduled (one sequence number)."""

    kind: str  # CallActivity, CallSubOrchestrator, CreateTimer, CallEntity, SignalEntity
    name: str  # function name, `entity.operation`, or "" for timers
    at: tuple[datetime, int]  # when it was scheduled (7-digit ticks kept for ties)
    stamp: str  # the same, as recorded
    input: str | None = None
    fire_at: datetime | None = None
    event: dict[str, Any] = field(default_factory=dict)  # the row, for EventSent's Input
    sequence: int | None = None  # the number the replayed code gave it, once matched
    fired: bool = False

    def describe(self) -> str:
        return f"{self.kind} {self.name}".strip()


@dataclass
class Plan:
    scheduled: list[Scheduled]  # in recorded order: position = recorded sequence number
    feed: list[tuple[dict[str, Any], Scheduled | None]]  # event, and the work it completes
    started: dict[str, Any]
    end: dict[str, Any] | None  # ExecutionCompleted or ExecutionTerminated


def plan(recorded: Recorded) -> Plan:
    scheduled: list[Scheduled] = []
    feed: list[tuple[dict[str, Any], Scheduled | None]] = []
    started: dict[str, Any] = {}
    end = None
    for event in recorded.events:
        kind = event["EventType"]
        if kind == "ExecutionStarted":
            started = event
        elif kind in ("ExecutionCompleted", "ExecutionTerminated"):
            end = event
            break
        elif kind in ACTIVITY_COMPLETIONS | SUB_COMPLETIONS:
            work = _work(event, "ScheduledTime", event.get("FunctionName"), kind)
            scheduled.append(work)
            feed.append((event, work))
        elif kind in ("TaskScheduled", "SubOrchestrationInstanceCreated"):
            scheduled.append(_work(event, "Timestamp", event.get("Name"), kind))
        elif kind == "TimerCreated":
            scheduled.append(
                Scheduled("CreateTimer", "", *_when(event["Timestamp"]), fire_at=fire_time(event))
            )
        elif kind == "EventSent":
            scheduled.append(_entity_message(event))
        elif kind in FED:
            feed.append((event, None))
    scheduled.sort(key=lambda s: s.at)  # stable: equal times keep the history's order
    return Plan(scheduled, feed, started, end)


def _work(event: dict[str, Any], time_key: str, name: Any, kind: str) -> Scheduled:
    activity = kind in ACTIVITY_COMPLETIONS or kind == "TaskScheduled"
    return Scheduled(
        "CallActivity" if activity else "CallSubOrchestrator",
        str(name or ""),
        *_when(event.get(time_key) or event["Timestamp"]),
        input=event.get("Input"),
    )


def _entity_message(event: dict[str, Any]) -> Scheduled:
    try:
        message = json.loads(event.get("Input") or "{}")
    except json.JSONDecodeError:
        message = {}
    entity = entity_name(str(event.get("InstanceId") or ""))
    kind = "SignalEntity" if message.get("signal") else "CallEntity"
    name = f"{entity}.{message.get('op', '')}"
    when = _when(event["Timestamp"])
    return Scheduled(kind, name, *when, input=message.get("input"), event=event)


def entity_name(entity_id: str) -> str:
    """`@chat@42` -> `chat`: the key is data, the entity name is code."""
    return entity_id.split("@")[1].lower() if entity_id.startswith("@") else entity_id.lower()


def _when(text: str) -> tuple[tuple[datetime, int], str]:
    return ticks(text), text


def ticks(text: str) -> tuple[datetime, int]:
    """A time with the extension's seven fractional digits intact (datetime keeps six)."""
    moment = parse_time(text)
    fraction = text.rstrip("Z").split("+")[0].partition(".")[2]
    return moment.replace(microsecond=0), int((fraction + "0000000")[:7] or 0)


def fire_time(event: dict[str, Any]) -> datetime | None:
    return parse_time(event["FireAt"]) if event.get("FireAt") else None
