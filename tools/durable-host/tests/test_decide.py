"""The pure orchestration step: a history and new events in, history events and effects out.

The orchestrators of `step_app.py` run through the real SDK (`invoke_orchestrator`); the step
itself touches no store, clock or engine, so each test is a history in and a Decision out.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from devhost import decide
from devhost import history as h
from devhost.effects import (
    CancelTimer,
    CreateTimer,
    Decision,
    QueueEntityOp,
    ScheduleActivity,
    SendMessage,
)
from devhost.instance import Instance
from devhost.invoke import invoke_orchestrator
from devhost.loader import index_app
from step_app import app

INDEX = index_app(app)
CATALOG = decide.Catalog(INDEX.activities.keys(), INDEX.orchestrator_names, "1.0")
T0 = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
E = h.EventType


def new_instance(name: str, input_value: object = None, parent: dict | None = None) -> Instance:
    text = json.dumps(input_value)
    stamp = h.timestamp(T0)
    return Instance("i1", name, "ex1", "Pending", text, stamp, stamp, parent=parent)


def step(instance: Instance, *new: h.Event, at: datetime = T0) -> Decision:
    """One episode as the engine runs it: OrchestratorStarted + new events, the SDK, the rules."""
    if not instance.history and not new:
        new = (h.execution_started(at, instance.name, "i1", "ex1", instance.input),)
    events = [h.event(E.ORCHESTRATOR_STARTED, at), *new]
    context = instance.context_json([json.dumps(e) for e in events])
    outcome = invoke_orchestrator(INDEX.orchestrator(instance.name), context)
    return decide.orchestrator_step(instance, events, outcome, CATALOG, at)


def played(instance: Instance, decision: Decision, work_ids: int = 100) -> None:
    """What the engine keeps of a step (its store rows aside): history, state, timer work ids."""
    for effect in decision.effects:
        if isinstance(effect, CreateTimer):
            decision.runtime.timers[str(effect.payload["timer_id"])] = work_ids
            work_ids += 1
    instance.history += [json.dumps({**e, "IsPlayed": True}) for e in decision.events]
    instance.runtime = decision.runtime
    instance.status = decision.status


def kinds(decision: Decision) -> list[int]:
    return [e["EventType"] for e in decision.events]


def test_a_first_step_schedules_the_activity_and_leaves_the_instance_untouched() -> None:
    instance = new_instance("greet", "Ada")
    decision = step(instance)
    assert kinds(decision) == [E.ORCHESTRATOR_STARTED, E.EXECUTION_STARTED, E.TASK_SCHEDULED,
                               E.ORCHESTRATOR_COMPLETED]  # fmt: skip
    assert decision.events[2]["Name"] == "hello" and decision.events[2]["EventId"] == 0
    assert decision.effects == [
        ScheduleActivity({"instance_id": "i1", "execution_id": "ex1", "task_id": 0,
                          "name": "hello", "input": '"Ada"'})
    ]  # fmt: skip
    assert (decision.status, decision.finished, decision.runtime.next_id) == ("Running", False, 1)
    assert instance.runtime.next_id == 0 and instance.status == "Pending" and not instance.history


def test_the_activity_result_completes_the_instance_and_tells_its_parent() -> None:
    parent = {"instance_id": "p", "execution_id": "pex", "task_id": 4, "name": "outer"}
    instance = new_instance("greet", "Ada", parent=parent)
    played(instance, step(instance))
    done = step(instance, h.task_completed(T0, 0, json.dumps("hello Ada")))
    assert kinds(done) == [E.ORCHESTRATOR_STARTED, E.TASK_COMPLETED, E.ORCHESTRATOR_COMPLETED,
                           E.EXECUTION_COMPLETED]  # fmt: skip
    assert done.events[-1]["OrchestrationStatus"] == h.OrchestrationStatus.COMPLETED
    assert (done.status, done.output, done.finished) == ("Completed", '"hello Ada"', True)
    [message] = done.effects
    assert isinstance(message, SendMessage)
    assert (message.instance_id, message.execution_id) == ("p", "pex")
    assert message.event["EventType"] == E.SUB_ORCHESTRATION_COMPLETED
    assert (message.event["TaskScheduledId"], message.event["Result"]) == (4, '"hello Ada"')


def test_an_unknown_activity_fails_the_step_with_nothing_scheduled() -> None:
    decision = step(new_instance("greet_missing"))
    assert kinds(decision) == [E.ORCHESTRATOR_STARTED, E.EXECUTION_STARTED,
                               E.EXECUTION_COMPLETED]  # fmt: skip
    assert decision.events[-1]["OrchestrationStatus"] == h.OrchestrationStatus.FAILED
    assert decision.effects == [] and decision.status == "Failed" and decision.finished
    assert "'no_such_activity' doesn't exist" in json.loads(decision.output or "null")


def test_a_failed_attempt_with_retry_options_waits_on_a_timer_then_runs_again() -> None:
    instance = new_instance("greet_with_retry")
    played(instance, step(instance))
    failed = step(instance, h.task_failed(T0, 0, "boom", ""))
    assert kinds(failed) == [E.ORCHESTRATOR_STARTED, E.TASK_FAILED, E.TIMER_CREATED,
                             E.ORCHESTRATOR_COMPLETED]  # fmt: skip
    fire_at = h.timestamp(T0 + timedelta(seconds=1))
    assert failed.events[2]["FireAt"] == fire_at and failed.events[2]["EventId"] == 1
    assert failed.effects == [
        CreateTimer({"instance_id": "i1", "execution_id": "ex1", "timer_id": 1,
                     "fire_at": fire_at})
    ]  # fmt: skip
    played(instance, failed)
    later = T0 + timedelta(seconds=1)
    again = step(instance, h.timer_fired(later, 1, fire_at), at=later)
    assert kinds(again) == [E.ORCHESTRATOR_STARTED, E.TIMER_FIRED, E.TASK_SCHEDULED,
                            E.ORCHESTRATOR_COMPLETED]  # fmt: skip
    [scheduled] = again.effects
    assert isinstance(scheduled, ScheduleActivity) and scheduled.payload["task_id"] == 2
    assert again.runtime.retries["2"]["attempt"] == 2 and not again.runtime.timers


def test_an_event_that_wins_the_race_cancels_the_armed_timer() -> None:
    instance = new_instance("approval")
    first = step(instance)
    assert kinds(first)[2] == E.TIMER_CREATED and first.custom_status == '"waiting"'
    [timer] = first.effects
    assert isinstance(timer, CreateTimer)
    assert timer.payload["fire_at"] == h.timestamp(T0 + timedelta(hours=1))
    played(instance, first, work_ids=41)
    decision = step(instance, h.event_raised(T0, "Approve", json.dumps(True)))
    assert decision.effects == [CancelTimer(41)]
    assert (decision.status, decision.output) == ("Completed", '"approved"')
    assert not decision.runtime.timers and instance.runtime.timers == {"0": 41}


def test_a_signal_is_an_event_sent_and_an_entity_operation() -> None:
    decision = step(new_instance("count"))
    assert kinds(decision)[2:4] == [E.EVENT_SENT, E.TASK_SCHEDULED]
    signal, activity = decision.effects
    assert isinstance(signal, QueueEntityOp) and isinstance(activity, ScheduleActivity)
    assert signal.target == "@counter@k"
    assert (signal.op["op"], signal.op["input"], signal.op["signal"]) == ("add", '"5"', True)
    assert signal.op["parent"] is None
    sent = json.loads(decision.events[2]["Input"])
    assert sent["id"] == signal.op["request_id"] and sent["parent"] == "i1"


def test_termination_closes_the_execution_with_the_reason() -> None:
    instance = new_instance("approval")
    played(instance, step(instance))
    decision = decide.terminated(instance, "no longer needed", T0)
    assert kinds(decision) == [E.ORCHESTRATOR_STARTED, E.EXECUTION_TERMINATED,
                               E.EXECUTION_COMPLETED, E.ORCHESTRATOR_COMPLETED]  # fmt: skip
    assert decision.events[2]["Result"] == "no longer needed"
    assert (decision.status, decision.finished, decision.effects) == ("Terminated", True, [])


def test_a_version_this_host_does_not_run_fails_without_running_the_orchestrator() -> None:
    instance = new_instance("greet")
    started = h.execution_started(T0, "greet", "i1", "ex1", instance.input)
    opened = h.event(E.ORCHESTRATOR_STARTED, T0)
    decision = decide.version_mismatch(instance, [opened, started], T0)
    assert kinds(decision) == [E.ORCHESTRATOR_STARTED, E.EXECUTION_STARTED,
                               E.EXECUTION_COMPLETED, E.ORCHESTRATOR_COMPLETED]  # fmt: skip
    details = decision.events[2]["FailureDetails"]
    assert details["IsNonRetriable"] and decision.events[2]["Result"] is None
    assert decision.status == "Failed" and decision.effects == []
