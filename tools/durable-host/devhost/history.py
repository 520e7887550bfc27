"""History events in the JSON shape the SDK reads (see durable-protocol.md §2)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

Event = dict[str, Any]


class EventType(IntEnum):
    EXECUTION_STARTED = 0
    EXECUTION_COMPLETED = 1
    EXECUTION_FAILED = 2
    EXECUTION_TERMINATED = 3
    TASK_SCHEDULED = 4
    TASK_COMPLETED = 5
    TASK_FAILED = 6
    SUB_ORCHESTRATION_CREATED = 7
    SUB_ORCHESTRATION_COMPLETED = 8
    SUB_ORCHESTRATION_FAILED = 9
    TIMER_CREATED = 10
    TIMER_FIRED = 11
    ORCHESTRATOR_STARTED = 12
    ORCHESTRATOR_COMPLETED = 13
    EVENT_SENT = 14
    EVENT_RAISED = 15
    CONTINUE_AS_NEW = 16
    EXECUTION_SUSPENDED = 19
    EXECUTION_RESUMED = 20


class OrchestrationStatus(IntEnum):
    """DTFx status numbers, as written in ExecutionCompleted."""

    RUNNING = 0
    COMPLETED = 1
    CONTINUED_AS_NEW = 2
    FAILED = 3
    CANCELED = 4
    TERMINATED = 5
    PENDING = 6
    SUSPENDED = 7


def timestamp(moment: datetime) -> str:
    """Tz-aware UTC ISO text; the SDK must never see naive and aware times mixed."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def event(kind: EventType, at: datetime, event_id: int = -1, **fields: Any) -> Event:
    return {"EventType": int(kind), "EventId": event_id, "IsPlayed": False,
            "Timestamp": timestamp(at), **fields}  # fmt: skip


def execution_started(
    at: datetime,
    name: str,
    instance_id: str,
    execution_id: str,
    input_text: str | None,
    parent: dict[str, Any] | None = None,
    version: str = "",
) -> Event:
    return event(
        EventType.EXECUTION_STARTED,
        at,
        Name=name,
        Version=version,
        Input=input_text,
        OrchestrationInstance={"InstanceId": instance_id, "ExecutionId": execution_id},
        ParentInstance=parent,
        Tags=None,
    )


def parent_instance(parent: dict[str, Any] | None) -> dict[str, Any] | None:
    """ExecutionStarted.ParentInstance of a sub-orchestration, from the host's parent record."""
    if parent is None:
        return None
    return {
        "Name": parent.get("name"),
        "OrchestrationInstance": {
            "InstanceId": parent["instance_id"],
            "ExecutionId": parent["execution_id"],
        },
        "TaskScheduleId": parent["task_id"],
    }


def task_completed(at: datetime, task_id: int, result: str) -> Event:
    return event(EventType.TASK_COMPLETED, at, TaskScheduledId=task_id, Result=result)


def task_failed(at: datetime, task_id: int, reason: str, details: str) -> Event:
    return event(EventType.TASK_FAILED, at, TaskScheduledId=task_id, Reason=reason, Details=details)


def timer_fired(at: datetime, timer_id: int, fire_at: str) -> Event:
    return event(EventType.TIMER_FIRED, at, TimerId=timer_id, FireAt=fire_at)


def event_raised(at: datetime, name: str, input_text: str | None) -> Event:
    return event(EventType.EVENT_RAISED, at, Name=name, Input=input_text)


def sub_orchestration_completed(at: datetime, task_id: int, result: str | None) -> Event:
    return event(EventType.SUB_ORCHESTRATION_COMPLETED, at, TaskScheduledId=task_id, Result=result)


def sub_orchestration_failed(at: datetime, task_id: int, reason: str, details: str) -> Event:
    return event(
        EventType.SUB_ORCHESTRATION_FAILED, at, TaskScheduledId=task_id, Reason=reason,
        Details=details,
    )  # fmt: skip
