"""Actions as the replay check names and compares them, and the difference it reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devhost.actions import ActionType
from devhost.replay_plan import Scheduled, entity_name

KINDS = {
    0: "CallActivity",
    1: "CallActivity",
    2: "CallSubOrchestrator",
    3: "CallSubOrchestrator",
    5: "CreateTimer",
    7: "CallEntity",
    8: "CallActivity",
    9: "SignalEntity",
}


@dataclass(frozen=True)
class Difference:
    position: int | None  # the recorded sequence number (DTFx's task id) where they part
    expected: str | None  # what the history recorded there, e.g. "CallActivity zip_uploads"
    got: str | None  # what the code does now
    detail: str

    def describe(self) -> str:
        return self.detail


class Differs(Exception):
    def __init__(self, difference: Difference) -> None:
        super().__init__(difference.detail)
        self.difference = difference


@dataclass(frozen=True)
class Got:
    kind: str
    name: str
    input: str | None = None

    def describe(self) -> str:
        return f"{self.kind} {self.name}".strip()


def got_of(action: dict[str, Any]) -> Got:
    kind = action["actionType"]
    if kind in (ActionType.CALL_ENTITY, ActionType.SIGNAL_ENTITY):
        name = f"{entity_name(action['instanceId'])}.{action['operation']}"
    elif kind == ActionType.CALL_HTTP:
        name = "BuiltIn::HttpActivity"
    else:
        name = action.get("functionName") or ""
    return Got(KINDS.get(kind, f"action type {kind}"), name, action.get("input"))


def same(work: Scheduled, got: Got) -> bool:
    return work.kind == got.kind and work.name.lower() == got.name.lower()


def is_task(got: Got) -> bool:
    return got.kind in ("CallActivity", "CallSubOrchestrator")


def label(event: dict[str, Any]) -> str:
    name = event.get("FunctionName") or event.get("Name") or ""
    return f"{event['EventType']} {name}".strip()
