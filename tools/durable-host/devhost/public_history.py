"""The history the status API shows (`showHistory=true`), shaped as the extension shapes it.

The extension (DurableClient.GetDurableOrchestrationStatusAsync) takes DTFx's history, as
JSON.NET writes every [DataMember] of each event class (nulls included), and then: names
EventType and OrchestrationStatus; drops EventId, IsPlayed, TimerFired.TimerId and the
OrchestratorStarted/Completed rows; folds each TaskScheduled/SubOrchestrationInstanceCreated
into the row that completes it (FunctionName, ScheduledTime, Input) and keeps only those still
open; removes ExecutionStarted's OrchestrationInstance, ParentInstance, Version and Tags
(renaming Name to FunctionName); parses Result into a JSON value with showHistoryOutput and
removes it without; removes every Input without showInput. docs/local-host.md, "History JSON".

Inputs are shown as DTFx stores them, not as the SDK sent them: the extension hands the action's
`input` (the SDK's JSON text, a .NET string) to DTFx, which JSON-serializes it once more. An
activity is scheduled through `ScheduleTask(name, version, params object[])`, so its input is
that string wrapped in a one-element array (`["\"Jo\""]`); a sub-orchestration's, a
continued or started orchestration's input is the string serialized (`"\"Jo\""`).
"""

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
STATUS_NAMES = {s.value: s.name.title().replace("_", "") for s in h.OrchestrationStatus}
# DTFx members the host has no value for: JSON.NET writes them with their defaults.
DEFAULTS: dict[int, dict[str, Any]] = {
    0: {"Correlation": None, "ParentTraceContext": None, "ScheduledStartTime": None,
        "Generation": None, "GenerateNewTrace": False},
    1: {"FailureDetails": None},
    4: {"ParentTraceContext": None, "Tags": None},
    6: {"FailureDetails": None},
    7: {"ClientSpanId": None, "Tags": None},
    9: {"FailureDetails": None},
    15: {"ParentTraceContext": None},
}  # fmt: skip
SCHEDULING = {5: 4, 6: 4, 8: 7, 9: 7}  # completion type -> the type that scheduled it
DROPPED_FROM_START = ("OrchestrationInstance", "ParentInstance", "Version", "Tags")
TASK_KINDS = frozenset({4, 5, 6})
SERIALIZED_INPUT_KINDS = frozenset({0, 7, 8, 9})
_NET_ESCAPES = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def net_json(value: Any) -> str:
    """JSON text as JSON.NET writes it (Formatting.None, default string escaping)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _NET_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def dtfx_input(kind: int, text: str | None) -> str | None:
    """The Input DTFx stores for a row whose host-side input is the SDK's JSON text `text`."""
    if kind in TASK_KINDS:
        return net_json([text])  # DTFx's params object[]: [null] when the action had no input
    if kind in SERIALIZED_INPUT_KINDS and text is not None:
        return net_json(text)  # a .NET string serialized: null stays null
    return text


def net_time(text: str) -> str:
    """A UTC time as JSON.NET writes a DateTime: up to 7 fraction digits, trailing zeros cut."""
    moment = h.parse_time(text)
    fraction = f"{moment.microsecond:06d}0".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def parse_token(text: str | None) -> Any:
    """The extension's ParseToJToken: JSON text becomes its value, anything else stays text."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return ""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def history_events(texts: list[str], show_input: bool, show_output: bool) -> list[dict[str, Any]]:
    events = [json.loads(t) for t in texts]
    completed = {
        (SCHEDULING[e["EventType"]], e.get("TaskScheduledId"))
        for e in events
        if e["EventType"] in SCHEDULING
    }
    scheduled = {(e["EventType"], e["EventId"]): e for e in events if e["EventType"] in (4, 7)}
    rows = []
    for event in events:
        kind = event["EventType"]
        if kind in (12, 13) or (kind in (4, 7) and (kind, event["EventId"]) in completed):
            continue
        rows.append(_row(event, scheduled, show_input, show_output))
    return rows


def _row(
    event: dict[str, Any],
    scheduled: dict[tuple[int, int], dict[str, Any]],
    show_input: bool,
    show_output: bool,
) -> dict[str, Any]:
    kind = event["EventType"]
    row = {**event, **{k: v for k, v in DEFAULTS.get(kind, {}).items() if k not in event}}
    row["EventType"] = EVENT_NAMES.get(kind, str(kind))
    for key in ("EventId", "IsPlayed"):
        row.pop(key, None)
    row["Timestamp"] = net_time(row["Timestamp"])
    if "FireAt" in row:
        row["FireAt"] = net_time(row["FireAt"])
    if kind in (0, 4, 7):  # the rows that carry their own input (completions get theirs below)
        row["Input"] = dtfx_input(kind, row.get("Input"))
    if kind == h.EventType.EXECUTION_STARTED:
        row["FunctionName"] = row.pop("Name", None)
        for key in DROPPED_FROM_START:
            row.pop(key, None)
    elif kind in (h.EventType.TASK_SCHEDULED, h.EventType.SUB_ORCHESTRATION_CREATED):
        row.pop("Version", None)
    elif kind == h.EventType.TIMER_FIRED:
        row.pop("TimerId", None)
    elif kind == h.EventType.EXECUTION_COMPLETED:
        row["OrchestrationStatus"] = STATUS_NAMES.get(row["OrchestrationStatus"])
    if kind in SCHEDULING:
        origin = scheduled.get((SCHEDULING[kind], row.pop("TaskScheduledId", None)))
        if origin is not None:
            row["ScheduledTime"] = net_time(origin["Timestamp"])
            row["FunctionName"] = origin.get("Name")
            if show_input:
                row["Input"] = dtfx_input(kind, origin.get("Input"))
    if kind in (1, 5, 8):  # the completions that carry a Result
        if show_output:
            row["Result"] = parse_token(row.get("Result"))
        else:
            row.pop("Result", None)
    if not show_input:
        row.pop("Input", None)
    return row
