"""The status API's history, row by row, in the shape the extension returns (DurableClient.cs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from conformance_app import release
from durable_client import Durable

NET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$")
FULL = {"showHistory": "true", "showHistoryOutput": "true", "showInput": "true"}


def _rows(status: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows with their times checked and taken out, so the rest compares exactly."""
    rows = []
    for row in status["historyEvents"]:
        for key in ("Timestamp", "ScheduledTime", "FireAt"):
            if key in row:
                assert NET_TIME.match(row.pop(key)), row
        rows.append(row)
    return rows


def test_chaining_with_inputs_and_outputs(durable: Durable) -> None:
    status = durable.wait(durable.start("chaining", "Jo"), **FULL)
    started, *tasks, completed = _rows(status)
    assert started == {
        "EventType": "ExecutionStarted", "FunctionName": "chaining", "Input": '"\\"Jo\\""',
        "Correlation": None, "ParentTraceContext": None, "ScheduledStartTime": None,
        "Generation": None, "GenerateNewTrace": False,
    }  # fmt: skip
    assert tasks[0] == {"EventType": "TaskCompleted", "FunctionName": "say_hello",
                        "Input": '["\\"Jo\\""]', "Result": "Hello Jo"}  # fmt: skip
    assert [t["Result"] for t in tasks] == ["Hello Jo", "Hello Hello Jo", 42]
    assert completed == {
        "EventType": "ExecutionCompleted",
        "OrchestrationStatus": "Completed",
        "Result": ["Hello Jo", "Hello Hello Jo", 42],
        "FailureDetails": None,
    }


def test_without_show_input_and_output(durable: Durable) -> None:
    links = durable.start("chaining", "Kim")
    durable.wait(links)
    rows = _rows(durable.status(links, showHistory="true", showInput="false").json())
    # The rows are there, only without inputs and results: an empty history would pass vacuously.
    assert [r["EventType"] for r in rows] == [
        "ExecutionStarted",
        "TaskCompleted",
        "TaskCompleted",
        "TaskCompleted",
        "ExecutionCompleted",
    ]
    assert all("Input" not in r for r in rows)
    assert all("Result" not in r for r in rows)


def test_failures_keep_reason_and_details(durable: Durable) -> None:
    links = durable.start("retrying", {"key": "history-fail", "succeed_on": 99, "max": 1})
    rows = _rows(durable.wait(links, **FULL))
    failed = next(r for r in rows if r["EventType"] == "TaskFailed")
    assert set(failed) == {"EventType", "FunctionName", "Input", "Reason", "Details",
                           "FailureDetails"}  # fmt: skip
    assert failed["Reason"] == "Activity function 'flaky' failed: RuntimeError: attempt 1 failed"
    assert [r["EventType"] for r in rows if r["EventType"].startswith("Timer")] == [
        "TimerCreated", "TimerFired"]  # fmt: skip
    assert all("TimerId" not in r for r in rows)

    status = durable.wait(durable.start("failing", 3), **FULL)
    assert _rows(status)[-1] == {
        "EventType": "ExecutionCompleted", "OrchestrationStatus": "Failed",
        "Result": "Orchestrator function 'failing' failed: bad input 3", "FailureDetails": None,
    }  # fmt: skip


def test_events_sub_orchestrations_and_termination(durable: Durable) -> None:
    links = durable.start("race", 24 * 30)
    durable.wait_for(links, lambda s: any(e["EventType"] == "TimerCreated"
                                          for e in s["historyEvents"]))  # fmt: skip
    durable.raise_event(links, "Approval", {"by": "lee"})
    rows = _rows(durable.wait(links, **FULL))
    raised = next(r for r in rows if r["EventType"] == "EventRaised")
    assert raised == {"EventType": "EventRaised", "Name": "Approval", "Input": '{"by":"lee"}',
                      "ParentTraceContext": None}  # fmt: skip

    rows = _rows(durable.wait(durable.start("parent"), **FULL))
    child = next(r for r in rows if r["EventType"] == "SubOrchestrationInstanceCompleted")
    assert child == {
        "EventType": "SubOrchestrationInstanceCompleted",
        "FunctionName": "chaining",
        "Input": '"\\"child\\""',
        "Result": ["Hello child", "Hello Hello child", 42],
    }
    assert "SubOrchestrationInstanceCreated" not in [r["EventType"] for r in rows]

    links = durable.start("forever")
    durable.wait_for(links, lambda s: s["runtimeStatus"] == "Running")
    durable.http.post(links["terminatePostUri"].replace("{text}", "stop"))
    rows = _rows(durable.wait(links, **FULL))
    assert rows[-2:] == [
        {"EventType": "ExecutionTerminated", "Input": "stop"},
        {"EventType": "ExecutionCompleted", "OrchestrationStatus": "Terminated", "Result": "stop",
         "FailureDetails": None},
    ]  # fmt: skip


def test_inputs_are_shown_as_dtfx_stores_them(durable: Durable) -> None:
    """DTFx serializes the SDK's input text once more: activities as a one-element array."""
    status = durable.wait(durable.start("without_inputs"), **FULL)
    assert status["input"] is None
    started, plain, shaped, child, _ = _rows(status)
    assert started["Input"] is None  # no body: DTFx serializes nothing
    assert plain["Input"] == '["null"]'  # the SDK's "null", wrapped as ScheduleTask's params
    assert shaped["Input"] == '["{\\"city\\": \\"Tokyo\\"}"]'
    assert child["EventType"] == "SubOrchestrationInstanceCompleted"
    assert child["Input"] == '"null"'  # the SDK's "null" as a serialized .NET string
    # the last is context.version: the defaultVersion of the host.json the host was started with
    durable_task = json.loads(Path("host.json").read_text())["extensions"]["durableTask"]
    version = durable_task["defaultVersion"]
    assert status["output"] == ["Hello None", "Hello {'city': 'Tokyo'}", version]


def test_a_task_still_running_keeps_its_scheduled_row(durable: Durable) -> None:
    links = durable.start("holding")
    status = durable.wait_for(links, lambda s: len(s.get("historyEvents", [])) == 2)
    scheduled = _rows(durable.status(links, **FULL).json())[1]
    release(status["instanceId"]).set()
    assert scheduled == {
        "EventType": "TaskScheduled",
        "Name": "held",
        "Input": f'["\\"{links["id"]}\\""]',
        "ParentTraceContext": None,
        "Tags": None,
    }
    rows = _rows(durable.wait(links, **FULL))
    assert [r["EventType"] for r in rows] == ["ExecutionStarted", "TaskCompleted",
                                             "ExecutionCompleted"]  # fmt: skip
