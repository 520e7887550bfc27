"""Scheduling rules of the pure step: one new action (or retry) -> its history event and effect.

Each rule appends to the step's `Decision`; none does I/O. Sequence numbers come from the
step's copy of the runtime, which mirrors the SDK's counter.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devhost import history as h
from devhost.actions import ActionType
from devhost.effects import (
    CreateTimer,
    Decision,
    QueueEntityOp,
    ScheduleActivity,
    StartOrchestration,
)
from devhost.instance import Instance
from devhost.retries import max_attempts, retry_delay

ENTITY_REQUESTS = uuid.UUID("6f1c3c52-7d43-4d8e-9a55-2f0d6d4f1a10")


@dataclass(frozen=True)
class Catalog:
    """What a step needs to know of the app: its functions' names and the default version."""

    activities: Collection[str]  # lower-case names
    orchestrators: Mapping[str, str]  # lower-case name -> name
    default_version: str = ""


class OrchestrationError(Exception):
    """The host itself fails the orchestration, as the extension would."""


class Scheduler:
    """The rules for one step of `instance`, writing into `decision`."""

    def __init__(
        self, instance: Instance, decision: Decision, catalog: Catalog, now: datetime
    ) -> None:
        self.instance = instance
        self.decision = decision
        self.catalog = catalog
        self.now = now

    def _event(self, kind: h.EventType, number: int = -1, **fields: Any) -> None:
        self.decision.events.append(h.event(kind, self.now, number, **fields))

    def _owner(self) -> dict[str, Any]:
        return {"instance_id": self.instance.instance_id,
                "execution_id": self.instance.execution_id}  # fmt: skip

    def activity(self, number: int, action: dict[str, Any]) -> None:
        name = action["functionName"]
        if name.lower() not in self.catalog.activities:
            raise OrchestrationError(
                f"The function '{name}' doesn't exist, is disabled, or is not an activity function."
            )
        self._event(h.EventType.TASK_SCHEDULED, number, Name=name, Version="",
                    Input=action.get("input"))  # fmt: skip
        payload = self._owner() | {"task_id": number, "name": name, "input": action.get("input")}
        self.decision.effects.append(ScheduleActivity(payload))

    def sub_orchestration(self, number: int, action: dict[str, Any]) -> None:
        instance = self.instance
        name = self.catalog.orchestrators.get(action["functionName"].lower())
        if name is None:
            raise OrchestrationError(
                f"The function '{action['functionName']}' doesn't exist, is disabled, "
                "or is not an orchestrator function."
            )
        child_id = action.get("instanceId") or f"{instance.execution_id}:{number}"
        version = action.get("version")
        if version is None:  # the SDK's documented default: host.json's defaultVersion
            version = self.catalog.default_version
        if child_id == instance.instance_id:
            raise OrchestrationError("A sub-orchestration may not use its parent's instance id.")
        self._event(h.EventType.SUB_ORCHESTRATION_CREATED, number, Name=name, InstanceId=child_id,
                    Input=action.get("input"), Version=version)  # fmt: skip
        parent = self._owner() | {"task_id": number, "name": instance.name}
        start = StartOrchestration(name, child_id, action.get("input"), parent, version)
        self.decision.effects.append(start)

    def timer(self, number: int, fire_at: str, position: int = -1, canceled: bool = False) -> None:
        """TimerCreated; unless already canceled, the timer, remembered at its action position
        (-1: a retry's timer, which no action cancels)."""
        self._event(h.EventType.TIMER_CREATED, number, FireAt=fire_at)
        if canceled:
            return
        payload = self._owner() | {"timer_id": number, "fire_at": fire_at}
        self.decision.effects.append(CreateTimer(payload))
        if position >= 0:
            self.decision.runtime.timer_at[str(position)] = number

    def entity_op(self, number: int, action: dict[str, Any]) -> None:
        instance = self.instance
        signal = action["actionType"] == ActionType.SIGNAL_ENTITY
        request_id = str(uuid.uuid5(ENTITY_REQUESTS, f"{instance.execution_id}:{number}"))
        # The entity reads its input doubly encoded.
        batch_input = json.dumps(action.get("input") or "null")
        message: dict[str, Any] = {"op": action["operation"], "id": request_id}
        if signal:
            message["signal"] = True
        message |= {"input": batch_input, "parent": instance.instance_id,
                    "parentExecution": instance.execution_id}  # fmt: skip
        self._event(h.EventType.EVENT_SENT, number, InstanceId=action["instanceId"], Name="op",
                    Input=json.dumps(message))  # fmt: skip
        op = {
            "op": action["operation"],
            "input": batch_input,
            "signal": signal,
            "request_id": request_id,
            "parent": None if signal else instance.instance_id,
            "parent_execution": None if signal else instance.execution_id,
        }
        self.decision.effects.append(QueueEntityOp(action["instanceId"], op))

    def retry_bookkeeping(self, event: h.Event) -> None:
        """DTFx RetryInterceptor: a timer after every failure, then the task again (or give up)."""
        rt = self.decision.runtime
        kind = event["EventType"]
        if kind in (h.EventType.TASK_COMPLETED, h.EventType.SUB_ORCHESTRATION_COMPLETED):
            rt.retries.pop(str(event["TaskScheduledId"]), None)
        elif kind in (h.EventType.TASK_FAILED, h.EventType.SUB_ORCHESTRATION_FAILED):
            record = rt.retries.pop(str(event["TaskScheduledId"]), None)
            if record is None:
                return
            timer_id = rt.take_id()
            options = record["action"].get("retryOptions") or {}
            self.timer(timer_id, h.timestamp(self.now + retry_delay(options, record["attempt"])))
            rt.retry_timers[str(timer_id)] = record
        elif kind == h.EventType.TIMER_FIRED:
            rt.timers.pop(str(event["TimerId"]), None)
            record = rt.retry_timers.pop(str(event["TimerId"]), None)
            # After the last attempt the SDK still waits for this one extra timer, then gives up.
            if record is None or record["attempt"] >= max_attempts(
                record["action"].get("retryOptions") or {}
            ):
                return
            number = rt.take_id()
            record["attempt"] += 1
            if record["kind"] == "activity":
                self.activity(number, record["action"])
            else:
                self.sub_orchestration(number, record["action"])
            rt.retries[str(number)] = record
