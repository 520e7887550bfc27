"""Read an exported history: the status API's JSON with showHistory, showHistoryOutput, showInput.

Two shapes are read. The Durable extension's (`DurableClient.cs`): event types and statuses by
name, `Result` of completions parsed into JSON values, ExecutionStarted without
OrchestrationInstance, ParentInstance, Version and Tags, scheduling rows of finished tasks folded
into their completions (`FunctionName`, `ScheduledTime`, `Input`), no OrchestratorStarted or
-Completed, no EventId, TaskScheduledId or TimerId. And this host's earlier one, which differs in
keeping `Result` as JSON text, the ExecutionStarted fields and status numbers. Both come out as
`Recorded`, with every `Result` as JSON text again, the form the SDK reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devhost.history import EventType, OrchestrationStatus

# Completions whose Result the extension parses (TaskFailed and the failures carry Reason/Details).
PARSED_RESULTS = frozenset(
    {"TaskCompleted", "SubOrchestrationInstanceCompleted", "ExecutionCompleted"}
)
STATUS_NAMES = {int(s): s.name.title().replace("_", "") for s in OrchestrationStatus}
EVENT_NAMES = {int(e): e.name.title().replace("_", "") for e in EventType} | {
    7: "SubOrchestrationInstanceCreated",
    8: "SubOrchestrationInstanceCompleted",
    9: "SubOrchestrationInstanceFailed",
    17: "GenericEvent",
    18: "HistoryState",
}


class HistoryFileError(ValueError):
    """The file is not an exported history this reader can replay."""


@dataclass
class Recorded:
    name: str
    instance_id: str
    status: str  # runtimeStatus: Completed, Failed, Running, Terminated, ...
    input: Any  # the orchestration input as the trigger context carries it
    output: Any  # JSON value
    version: str | None  # only the host's earlier shape keeps it
    parent_instance_id: str | None
    events: list[dict[str, Any]]  # EventType names; Result as JSON text
    results_parsed: bool  # the extension's shape (in-flight scheduling rows are kept there)


def load(path: str | Path) -> Recorded:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise HistoryFileError(f"{path}: not JSON ({exc})") from exc
    return parse(document)


def parse(document: Any) -> Recorded:
    if not isinstance(document, dict) or not isinstance(document.get("historyEvents"), list):
        raise HistoryFileError("no historyEvents: export with showHistory=true")
    events = [_event_name(dict(e)) for e in document["historyEvents"]]
    started = next((e for e in events if e["EventType"] == "ExecutionStarted"), None)
    if started is None:
        raise HistoryFileError("the history has no ExecutionStarted event")
    parsed = not _host_shape(started, events)
    for event in events:
        if event["EventType"] in PARSED_RESULTS and "Result" in event and parsed:
            event["Result"] = json.dumps(event["Result"])
        status = event.get("OrchestrationStatus")
        if isinstance(status, int):
            event["OrchestrationStatus"] = STATUS_NAMES.get(status, str(status))
    if any(
        e["EventType"] in PARSED_RESULTS - {"ExecutionCompleted"} and "Result" not in e
        for e in events
    ):
        raise HistoryFileError("completions carry no Result: export with showHistoryOutput=true")
    parent = started.get("ParentInstance") or {}
    return Recorded(
        name=document.get("name") or started.get("FunctionName") or "",
        instance_id=document.get("instanceId") or "",
        status=document.get("runtimeStatus") or "Running",
        input=document["input"] if "input" in document else started.get("Input"),
        output=document.get("output"),
        version=started.get("Version"),
        parent_instance_id=(parent.get("OrchestrationInstance") or {}).get("InstanceId"),
        events=events,
        results_parsed=parsed,
    )


def _event_name(event: dict[str, Any]) -> dict[str, Any]:
    kind = event.get("EventType")
    if isinstance(kind, int):
        event["EventType"] = EVENT_NAMES.get(kind, str(kind))
    return event


def _host_shape(started: dict[str, Any], events: list[dict[str, Any]]) -> bool:
    """The host's earlier shape: ExecutionStarted keeps its instance, and statuses are numbers."""
    if "OrchestrationInstance" in started or "Tags" in started:
        return True
    return any(isinstance(e.get("OrchestrationStatus"), int) for e in events)
