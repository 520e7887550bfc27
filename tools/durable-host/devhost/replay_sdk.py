"""The history the SDK replays during a replay check, rebuilt step by step from a recorded one.

Each recorded completion becomes its own step (OrchestratorStarted + the event), numbered with the
task numbers the replayed code gave the work it completes; the scheduling events of the code's
actions follow, then OrchestratorCompleted. One event per step is how the host numbers retries,
and it changes nothing else the SDK decides: it resumes the code after every event anyway. The
step's time is the completion's own time, moved up to the earliest thing the recorded step
produced once the code has matched it (the real step began between the two), so
`current_utc_datetime` is close to, not exactly, what the recorded run saw.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from devhost import history as h
from devhost.actions import ActionType, flatten, parse_failure
from devhost.history_file import Recorded
from devhost.replay_plan import Scheduled

# Every event is marked played: the code runs as in a replay (`is_replaying`), so it logs nothing.
FED_TYPES = {
    "TaskCompleted": h.EventType.TASK_COMPLETED,
    "TaskFailed": h.EventType.TASK_FAILED,
    "SubOrchestrationInstanceCompleted": h.EventType.SUB_ORCHESTRATION_COMPLETED,
    "SubOrchestrationInstanceFailed": h.EventType.SUB_ORCHESTRATION_FAILED,
    "TimerFired": h.EventType.TIMER_FIRED,
    "EventRaised": h.EventType.EVENT_RAISED,
}
KEPT = ("Result", "Reason", "Details", "FireAt", "Name", "Input")


class SdkHistory:
    def __init__(
        self, recorded: Recorded, handle: Callable[[str], str], started: dict[str, Any]
    ) -> None:
        self.recorded = recorded
        self.handle = handle
        self.next_id = 0
        self.now = _stamp(started["Timestamp"])
        self.step_start = 0
        self.events: list[dict[str, Any]] = [
            _event(h.EventType.ORCHESTRATOR_STARTED, self.now),
            _event(
                h.EventType.EXECUTION_STARTED,
                self.now,
                Name=recorded.name,
                Version=recorded.version or "",
                Input=_text(recorded.input),
            ),
        ]

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def call(self) -> tuple[str, dict[str, Any] | None]:
        """Run the SDK's handle once: (Running | Completed | ContinuedAsNew | Failed, state)."""
        context = json.dumps(
            {
                "history": self.events,
                "input": self.recorded.input,
                "instanceId": self.recorded.instance_id,
                "isReplaying": True,
                "parentInstanceId": self.recorded.parent_instance_id,
                "upperSchemaVersion": 1,
                "upperSchemaVersionNew": 2,
            }
        )
        try:
            state = json.loads(self.handle(context))
        except Exception as exc:
            message, partial = parse_failure(exc)
            return "Failed", {**(partial or {}), "error": message}
        if not state.get("isDone"):
            return "Running", state
        continued = any(a["actionType"] == ActionType.CONTINUE_AS_NEW for a in flatten(state))
        return ("ContinuedAsNew" if continued else "Completed"), state

    def feed(self, event: dict[str, Any], number: int | None) -> None:
        """A recorded completion, as the SDK reads it: its task number put back."""
        stamp = _stamp(event["Timestamp"])
        self.now = max(self.now, stamp)
        fields = {k: event[k] for k in KEPT if k in event}
        kind = event["EventType"]
        if kind == "TimerFired":
            fields["TimerId"] = number
        elif kind != "EventRaised":
            fields = {k: v for k, v in fields.items() if k not in ("Name", "Input")}
            fields["TaskScheduledId"] = number
        self.step_start = len(self.events)
        self.events.append(_event(h.EventType.ORCHESTRATOR_STARTED, self.now))
        self.events.append(_event(FED_TYPES[kind], stamp, **fields))

    def schedule(self, work: Scheduled, number: int, action: dict[str, Any] | None) -> None:
        """The scheduling event of matched work (the SDK reads only EventSent's)."""
        action = action or {}
        if work.kind == "CallActivity":
            kind, fields = h.EventType.TASK_SCHEDULED, {"Name": work.name, "Input": work.input}
        elif work.kind == "CallSubOrchestrator":
            kind = h.EventType.SUB_ORCHESTRATION_CREATED
            fields = {
                "Name": work.name,
                "InstanceId": action.get("instanceId"),
                "Input": work.input,
            }
        elif work.kind == "CreateTimer":
            due = work.fire_at.isoformat() if work.fire_at else action.get("fireAt")
            kind, fields = h.EventType.TIMER_CREATED, {"FireAt": due}
        else:
            # The recorded message names the request id that the entity's answer comes back under.
            kind = h.EventType.EVENT_SENT
            fields = {k: work.event.get(k) for k in ("InstanceId", "Name", "Input")}
        self.events.append(_event(kind, self.now, number, **fields))

    def close_step(self, produced: list[str]) -> None:
        """End the step; its start moves up to the earliest time of what it produced."""
        if produced:
            self.now = max(self.now, min(_stamp(s) for s in produced))
            self.events[self.step_start]["Timestamp"] = self.now
        self.events.append(_event(h.EventType.ORCHESTRATOR_COMPLETED, self.now))


def _event(kind: h.EventType, stamp: str, event_id: int = -1, **fields: Any) -> dict[str, Any]:
    return {
        "EventType": int(kind),
        "EventId": event_id,
        "IsPlayed": True,
        "Timestamp": stamp,
        **fields,
    }


def _stamp(text: str) -> str:
    """One tz-aware format throughout: the SDK fails on naive and aware times mixed."""
    return h.timestamp(h.parse_time(text))


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value)
