"""What one host step does, as plain data: the engine writes it in one store transaction.

A step is an orchestrator episode, a termination, a finished activity, a fired timer, an entity
batch or a client request. The pure rules (`devhost.decide`) produce these values; only the
engine's `apply` turns them into store rows and, once committed, running work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devhost.history import Event
from devhost.instance import Runtime


@dataclass(frozen=True)
class SendMessage:
    """An event for an orchestration's inbox (None execution: whichever runs when it arrives)."""

    instance_id: str
    event: Event
    execution_id: str | None
    external: bool = False


@dataclass(frozen=True)
class ScheduleActivity:
    payload: dict[str, Any]  # instance_id, execution_id, task_id, name, input: the work row


@dataclass(frozen=True)
class CreateTimer:
    payload: dict[str, Any]  # instance_id, execution_id, timer_id, fire_at: the work row


@dataclass(frozen=True)
class CancelTimer:
    work_id: int


@dataclass(frozen=True)
class StartOrchestration:
    """A new instance (replacing one with the same id), e.g. a sub-orchestration."""

    name: str
    instance_id: str
    input: str | None
    parent: dict[str, Any] | None  # instance_id, execution_id, task_id, name
    version: str


@dataclass(frozen=True)
class QueueEntityOp:
    target: str  # entity id, "@name@key"
    op: dict[str, Any]


@dataclass(frozen=True)
class WorkDone:
    """A pending work row whose work is over (an activity ran, a timer fired, an op was run)."""

    work_id: int


@dataclass(frozen=True)
class PutEntity:
    target: str
    name: str
    key: str
    state: str | None
    exists: bool


Effect = (
    SendMessage
    | ScheduleActivity
    | CreateTimer
    | CancelTimer
    | StartOrchestration
    | QueueEntityOp
    | WorkDone
    | PutEntity
)


@dataclass
class Decision:
    """An orchestration's step: its new history events, its effects in order, its new state.

    `finished`: a final status; the instance's pending work is dropped and it leaves memory.
    `continue_as_new`: `events` close this execution and a new one starts with this input.
    """

    events: list[Event]
    runtime: Runtime
    status: str
    output: str | None
    custom_status: str | None
    effects: list[Effect] = field(default_factory=list)
    finished: bool = False
    continue_as_new: ContinueAsNew | None = None


@dataclass(frozen=True)
class ContinueAsNew:
    input: str | None
