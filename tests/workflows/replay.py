"""Drive an orchestrator through the SDK's own replay: history in, actions out.

`Replay` holds one instance's history. Each `run()` hands the whole history to the real
`azure.durable_functions` orchestrator handle (as the extension does on every episode) and
returns the work the code scheduled since the last run, numbered as the SDK numbers it. The test
then answers that work (`complete`, `fail`, `answer`, `fire`, `raise_event`), which queues the
completion events for the next run, and asserts on `output`, `custom_status` and `error`.

Numbering follows the SDK: every activity, sub-orchestration, timer and entity call takes the next
sequence number when the code yields it, and a failed retried activity takes two more on its way
(DTFx's retry timer, then the rescheduled attempt). Answer, per run, work that is already pending;
the next run numbers whatever the code does with the answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devhost import history as h
from devhost.actions import ActionType, flatten, parse_failure
from devhost.entities import split_entity_id

T0 = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
Handle = Callable[[str], str]

KINDS = {
    ActionType.CALL_ACTIVITY: "activity",
    ActionType.CALL_ACTIVITY_WITH_RETRY: "activity",
    ActionType.CALL_SUB_ORCHESTRATOR: "sub",
    ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY: "sub",
    ActionType.CREATE_TIMER: "timer",
    ActionType.CALL_ENTITY: "entity",
    ActionType.WAIT_FOR_EXTERNAL_EVENT: "event",
}


@dataclass
class Work:
    """One thing the code asked for: `name` is the activity, the sub-orchestrator, the event or
    `entity.operation`; `input` is the JSON it sent, parsed."""

    kind: str  # activity | sub | timer | entity | event
    name: str
    input: Any = None
    number: int | None = None  # the SDK's sequence number (None for an event wait)
    fire_at: datetime | None = None
    max_attempts: int = 1  # from the retry options; 1 without retries
    attempts: int = 1
    key: str = ""  # the entity's key (the chat id)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"


class Replay:
    def __init__(
        self,
        handle: Handle,
        input_: Any,
        *,
        instance_id: str = "instance-1",
        version: str = "1.1",
        name: str = "orchestration",
        start: datetime = T0,
    ) -> None:
        self.handle = handle
        self.input_text = json.dumps(input_)
        self.instance_id = instance_id
        self.now = start
        self.events: list[dict[str, Any]] = [
            h.event(h.EventType.ORCHESTRATOR_STARTED, start),
            h.execution_started(start, name, instance_id, "execution-1", self.input_text,
                                version=version),
        ]  # fmt: skip
        self.pending: list[dict[str, Any]] = []
        self.next_number = 0
        self.seen = 0
        self.state: dict[str, Any] = {}
        self.error: str | None = None

    # -- running the code -----------------------------------------------------------------------
    def run(self) -> list[Work]:
        """One episode: the queued completions go in, the newly scheduled work comes out."""
        if len(self.events) > 2 or self.pending:
            self.events += [h.event(h.EventType.ORCHESTRATOR_STARTED, self.now), *self.pending]
        self.pending = []
        context = {
            "history": self.events,
            "input": self.input_text,
            "instanceId": self.instance_id,
            "isReplaying": False,
            "parentInstanceId": None,
            "upperSchemaVersion": 1,
            "upperSchemaVersionNew": 2,
        }
        try:
            self.state = json.loads(self.handle(json.dumps(context)))
            self.error = None
        except Exception as exc:  # the orchestrator raised: the instance fails
            self.error, partial = parse_failure(exc)
            self.state = partial or {}
        actions = flatten(self.state)
        new = [self._work(a) for a in actions[self.seen :]]
        self.seen = len(actions)
        self.events.append(h.event(h.EventType.ORCHESTRATOR_COMPLETED, self.now))
        return new

    @property
    def done(self) -> bool:
        return bool(self.state.get("isDone"))

    @property
    def output(self) -> Any:
        assert self.done, f"the orchestration has not ended (error: {self.error})"
        return self.state.get("output")

    @property
    def custom_status(self) -> Any:
        return self.state.get("customStatus")

    def _work(self, action: dict[str, Any]) -> Work:
        kind = KINDS[ActionType(action["actionType"])]
        if kind == "event":
            return Work(kind, action["externalEventName"])
        number = self._take()
        if kind == "timer":
            fire_at = h.parse_time(action["fireAt"])
            self._schedule(h.EventType.TIMER_CREATED, number, FireAt=action["fireAt"])
            return Work(kind, "timer", number=number, fire_at=fire_at)
        sent = _parsed(action.get("input"))
        if kind == "entity":
            entity, key = split_entity_id(action["instanceId"])
            message = json.dumps({"id": f"request-{number}", "op": action["operation"]})
            self._schedule(h.EventType.EVENT_SENT, number, InstanceId=action["instanceId"],
                           Name="op", Input=message)  # fmt: skip
            return Work(kind, f"{entity}.{action['operation']}", sent, number, key=key)
        name = action["functionName"]
        retry = action.get("retryOptions") or {}
        scheduled = h.EventType.TASK_SCHEDULED if kind == "activity" else (
            h.EventType.SUB_ORCHESTRATION_CREATED)  # fmt: skip
        self._schedule(scheduled, number, Name=name, Input=action.get("input"))
        return Work(kind, name, sent, number, max_attempts=retry.get("maxNumberOfAttempts", 1))

    def _take(self) -> int:
        self.next_number += 1
        return self.next_number - 1

    def _schedule(self, kind: h.EventType, number: int, **fields: Any) -> None:
        self.events.append(h.event(kind, self.now, number, **fields))

    # -- answering it -----------------------------------------------------------------------------
    def complete(self, work: Work, result: Any) -> None:
        """An activity or sub-orchestration returned `result` (any JSON value)."""
        kind = h.EventType.TASK_COMPLETED if work.kind == "activity" else (
            h.EventType.SUB_ORCHESTRATION_COMPLETED)  # fmt: skip
        self._queue(kind, TaskScheduledId=work.number, Result=json.dumps(result))

    def fail(self, work: Work, times: int = 1, reason: str = "boom") -> None:
        """The activity raised `times` times; each failure of a retried one is followed, as in
        DTFx, by a retry timer and (while attempts are left) the next attempt."""
        for _ in range(times):
            failed = h.EventType.TASK_FAILED if work.kind == "activity" else (
                h.EventType.SUB_ORCHESTRATION_FAILED)  # fmt: skip
            self._queue(failed, TaskScheduledId=work.number, Reason=reason, Details=reason)
            if work.max_attempts <= 1:
                return
            timer = self._take()
            self._queue(h.EventType.TIMER_CREATED, event_id=timer, FireAt=h.timestamp(self.now))
            self._queue(h.EventType.TIMER_FIRED, TimerId=timer, FireAt=h.timestamp(self.now))
            if work.attempts < work.max_attempts:
                work.number = self._take()
                work.attempts += 1
                self._queue(h.EventType.TASK_SCHEDULED, event_id=work.number, Name=work.name)

    def exhaust(self, work: Work) -> None:
        """Every attempt the retry policy allows fails."""
        self.fail(work, times=work.max_attempts - work.attempts + 1)

    def answer(self, work: Work, result: Any) -> None:
        """The entity operation returned `result`."""
        message = json.dumps({"result": json.dumps(result)})
        self._queue(h.EventType.EVENT_RAISED, Name=f"request-{work.number}", Input=message)

    def fire(self, timer: Work) -> None:
        """The durable timer fired: the workflow's clock moves to its due time."""
        assert timer.fire_at is not None
        self.now = max(self.now, timer.fire_at)
        self._queue(h.EventType.TIMER_FIRED, TimerId=timer.number, FireAt=h.timestamp(self.now))

    def raise_event(self, name: str, data: Any) -> None:
        self._queue(h.EventType.EVENT_RAISED, Name=name, Input=json.dumps(data))

    def _queue(self, kind: h.EventType, event_id: int = -1, **fields: Any) -> None:
        self.pending.append(h.event(kind, self.now, event_id, **fields))


def _parsed(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# The `start` fixture (conftest.py): `start("train_model", input, version="1.1")`.
Start = Callable[..., Replay]
