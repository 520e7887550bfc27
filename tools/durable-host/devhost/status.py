"""Status payloads of the durable HTTP API (StatusResponsePayload and its history format)."""

from __future__ import annotations

import json
from typing import Any

from devhost import history as h

EVENT_NAMES = {
    0: "ExecutionStarted", 1: "ExecutionCompleted", 2: "ExecutionFailed", 3: "ExecutionTerminated",
    4: "TaskScheduled", 5: "TaskCompleted", 6: "TaskFailed", 7: "SubOrchestrationInstanceCreated",
    8: "SubOrchestrationInstanceCompleted", 9: "SubOrchestrationInstanceFailed", 10: "TimerCreated",
    11: "TimerFired", 12: "OrchestratorStarted", 13: "OrchestratorCompleted", 14: "EventSent",
    15: "EventRaised", 16: "ContinueAsNew", 17: "GenericEvent", 18: "HistoryState",
    19: "ExecutionSuspended", 20: "ExecutionResumed",
}  # fmt: skip
RUNNING_LIKE = frozenset({"Pending", "Running", "Suspended", "ContinuedAsNew"})


def api_time(text: str) -> str:
    return h.parse_time(text).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def payload(
    row: dict[str, Any],
    show_input: bool = True,
    history: list[str] | None = None,
    show_history_output: bool = False,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": row["name"],
        "instanceId": row["instance_id"],
        "runtimeStatus": row["status"],
        "input": _input_value(row["input"]) if show_input else None,
        "customStatus": _json(row["custom_status"]),
        "output": _json(row["output"]),
        "createdTime": api_time(row["created"]),
        "lastUpdatedTime": api_time(row["updated"]),
    }
    if history is not None:
        body["historyEvents"] = history_events(history, show_input, show_history_output)
    return body


def _input_value(text: str | None) -> Any:
    """The stored input token: Python clients send a JSON string holding the JSON text."""
    return text


def history_events(texts: list[str], show_input: bool, show_output: bool) -> list[dict[str, Any]]:
    """The extension's public history: scheduling rows folded into their completions."""
    events = [json.loads(t) for t in texts]
    scheduled = {
        e["EventId"]: e
        for e in events
        if e["EventType"] in (h.EventType.TASK_SCHEDULED, h.EventType.SUB_ORCHESTRATION_CREATED)
    }
    out = []
    for event in events:
        kind = event["EventType"]
        if kind in (4, 7, 12, 13):
            continue
        row = {k: v for k, v in event.items() if k not in ("EventId", "IsPlayed", "TimerId")}
        row["EventType"] = EVENT_NAMES.get(kind, str(kind))
        if kind == h.EventType.EXECUTION_STARTED:
            row["FunctionName"] = row.pop("Name", None)
        if kind in (5, 6, 8, 9):
            origin = scheduled.get(event.get("TaskScheduledId"), {})
            row["FunctionName"] = origin.get("Name")
            row["ScheduledTime"] = origin.get("Timestamp")
            if show_input:
                row["Input"] = origin.get("Input")
            row.pop("TaskScheduledId", None)
        if not show_output:
            row.pop("Result", None)
        if not show_input and kind == h.EventType.EXECUTION_STARTED:
            row.pop("Input", None)
        out.append(row)
    return out
