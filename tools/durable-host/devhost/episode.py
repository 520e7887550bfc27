"""One orchestrator step: run the SDK's handle, then execute the new actions it returned."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from devhost import history as h
from devhost.actions import NUMBERED, ActionType, flatten, parse_failure
from devhost.instance import Instance, Runtime
from devhost.retries import max_attempts, retry_delay

if TYPE_CHECKING:
    from devhost.engine import Engine
    from devhost.steps import Step

Outcome = tuple[bool, Any]  # (ok, state dict) or (False, error message)
ENTITY_REQUESTS = uuid.UUID("6f1c3c52-7d43-4d8e-9a55-2f0d6d4f1a10")


class OrchestrationError(Exception):
    """The host itself fails the orchestration, as the extension would."""


def invoke_orchestrator(handle: Callable[[str], str] | None, context: str) -> Outcome:
    """Runs in a worker thread: the SDK handle is synchronous and replays the whole history."""
    if handle is None:
        return False, "the orchestrator function doesn't exist or is disabled"
    try:
        return True, json.loads(handle(context))
    except Exception as exc:
        message, _ = parse_failure(exc)
        return False, message


def apply_state(engine: Engine, step: Step, instance: Instance, outcome: Outcome) -> None:
    ok, value = outcome
    incoming = list(step.events[1:])
    step.tx.savepoint()
    try:
        if not ok:
            raise OrchestrationError(value)
        for event in incoming:
            _retry_bookkeeping(engine, step, instance, event)
        _execute(engine, step, instance, value)
    except OrchestrationError as exc:
        # Nothing of a failed step happens: no sub-instances, activities, timers or signals.
        step.tx.rollback_to_savepoint()
        step.after.clear()
        del step.events[1 + len(incoming) :]
        message = f"Orchestrator function '{instance.name}' failed: {exc}"
        engine._finish(step, instance, "Failed", json.dumps(message))


def _execute(engine: Engine, step: Step, instance: Instance, state: dict[str, Any]) -> None:
    rt = instance.runtime
    flat = flatten(state)
    for index, timer_id in list(rt.timer_at.items()):
        position = int(index)
        if position < len(flat) and flat[position].get("isCanceled"):
            del rt.timer_at[index]
            work_id = rt.timers.pop(str(timer_id), None)
            if work_id is not None:
                step.tx.delete_work(work_id)
                engine._disarm(work_id)
    continues: dict[str, Any] | None = None
    for position in range(rt.flat_seen, len(flat)):
        action = flat[position]
        kind = action["actionType"]
        number = rt.take_id() if kind in NUMBERED else -1
        if kind in (ActionType.CALL_ACTIVITY, ActionType.CALL_ACTIVITY_WITH_RETRY):
            _schedule_activity(engine, step, instance, number, action)
            if kind == ActionType.CALL_ACTIVITY_WITH_RETRY:
                rt.retries[str(number)] = {"kind": "activity", "action": action, "attempt": 1}
        elif kind in (
            ActionType.CALL_SUB_ORCHESTRATOR,
            ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY,
        ):
            _schedule_sub(engine, step, instance, number, action)
            if kind == ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY:
                rt.retries[str(number)] = {"kind": "sub", "action": action, "attempt": 1}
        elif kind == ActionType.CONTINUE_AS_NEW:
            continues = action
        elif kind == ActionType.CREATE_TIMER:
            fire_at = action["fireAt"]
            step.events.append(
                h.event(h.EventType.TIMER_CREATED, engine.clock.now(), number, FireAt=fire_at)
            )
            if not action.get("isCanceled"):
                rt.timers[str(number)] = engine.schedule_timer(step, instance, number, fire_at)
                rt.timer_at[str(position)] = number
        elif kind == ActionType.WAIT_FOR_EXTERNAL_EVENT:
            pass  # nothing to schedule: an event raised at any time is appended as it comes
        elif kind in (ActionType.CALL_ENTITY, ActionType.SIGNAL_ENTITY):
            _send_entity_op(engine, step, instance, number, action)
        else:
            raise OrchestrationError(f"action type {kind} is not supported by the local host")
    rt.flat_seen = len(flat)
    step.events.append(h.event(h.EventType.ORCHESTRATOR_COMPLETED, engine.clock.now()))
    if "customStatus" in state:
        instance.custom_status = json.dumps(state["customStatus"])
    if not state.get("isDone"):
        return
    if continues is not None:
        _continue_as_new(engine, step, instance, continues.get("input"))
    else:
        engine._finish(step, instance, "Completed", json.dumps(state.get("output")))


def _retry_bookkeeping(
    engine: Engine, step: Step, instance: Instance, event: dict[str, Any]
) -> None:
    """DTFx RetryInterceptor: a timer after every failure, then the task again (or give up)."""
    rt = instance.runtime
    kind = event["EventType"]
    if kind in (h.EventType.TASK_COMPLETED, h.EventType.SUB_ORCHESTRATION_COMPLETED):
        rt.retries.pop(str(event["TaskScheduledId"]), None)
    elif kind in (h.EventType.TASK_FAILED, h.EventType.SUB_ORCHESTRATION_FAILED):
        record = rt.retries.pop(str(event["TaskScheduledId"]), None)
        if record is None:
            return
        timer_id = rt.take_id()
        options = record["action"].get("retryOptions") or {}
        fire_at = h.timestamp(engine.clock.now() + retry_delay(options, record["attempt"]))
        step.events.append(
            h.event(h.EventType.TIMER_CREATED, engine.clock.now(), timer_id, FireAt=fire_at)
        )
        rt.timers[str(timer_id)] = engine.schedule_timer(step, instance, timer_id, fire_at)
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
            _schedule_activity(engine, step, instance, number, record["action"])
        else:
            _schedule_sub(engine, step, instance, number, record["action"])
        rt.retries[str(number)] = record


def _schedule_activity(
    engine: Engine, step: Step, instance: Instance, number: int, action: dict[str, Any]
) -> None:
    name = action["functionName"]
    if engine.index.activity(name) is None:
        raise OrchestrationError(
            f"The function '{name}' doesn't exist, is disabled, or is not an activity function."
        )
    step.events.append(
        h.event(h.EventType.TASK_SCHEDULED, engine.clock.now(), number, Name=name, Version="",
                Input=action.get("input"))
    )  # fmt: skip
    engine.schedule_activity(step, instance, number, action)


def _schedule_sub(
    engine: Engine, step: Step, instance: Instance, number: int, action: dict[str, Any]
) -> None:
    name = engine.index.orchestrator_names.get(action["functionName"].lower())
    if name is None:
        raise OrchestrationError(
            f"The function '{action['functionName']}' doesn't exist, is disabled, "
            "or is not an orchestrator function."
        )
    child_id = action.get("instanceId") or f"{instance.execution_id}:{number}"
    version = action.get("version")
    if version is None:  # the SDK's documented default: host.json's defaultVersion
        version = engine.versioning.default_version
    if child_id == instance.instance_id:
        raise OrchestrationError("A sub-orchestration may not use its parent's instance id.")
    step.events.append(
        h.event(h.EventType.SUB_ORCHESTRATION_CREATED, engine.clock.now(), number, Name=name,
                InstanceId=child_id, Input=action.get("input"), Version=version)
    )  # fmt: skip
    parent = {
        "instance_id": instance.instance_id,
        "execution_id": instance.execution_id,
        "task_id": number,
        "name": instance.name,
    }
    engine._create_instance(step, name, child_id, action.get("input"), parent, version)


def _send_entity_op(
    engine: Engine, step: Step, instance: Instance, number: int, action: dict[str, Any]
) -> None:
    signal = action["actionType"] == ActionType.SIGNAL_ENTITY
    target = action["instanceId"]
    request_id = str(uuid.uuid5(ENTITY_REQUESTS, f"{instance.execution_id}:{number}"))
    batch_input = json.dumps(action.get("input") or "null")  # the entity reads it doubly encoded
    message: dict[str, Any] = {"op": action["operation"], "id": request_id}
    if signal:
        message["signal"] = True
    message |= {"input": batch_input, "parent": instance.instance_id,
                "parentExecution": instance.execution_id}  # fmt: skip
    step.events.append(
        h.event(h.EventType.EVENT_SENT, engine.clock.now(), number, InstanceId=target, Name="op",
                Input=json.dumps(message))
    )  # fmt: skip
    op = {
        "op": action["operation"],
        "input": batch_input,
        "signal": signal,
        "request_id": request_id,
        "parent": None if signal else instance.instance_id,
        "parent_execution": None if signal else instance.execution_id,
    }
    engine.queue_entity_op(step, target, op)


def _continue_as_new(
    engine: Engine, step: Step, instance: Instance, input_text: str | None
) -> None:
    """Close this execution and start a fresh history.

    Events already appended to this execution stay with it (the extension's default, no
    `preserveUnprocessedEvents`); those raised later reach the new one.
    """
    step.events.append(
        h.event(h.EventType.EXECUTION_COMPLETED, engine.clock.now(), OrchestrationStatus=2,
                Result=input_text)
    )  # fmt: skip
    engine._commit_instance(step, instance)
    step.tx.delete_owner_work(instance.instance_id, ("activity", "timer"))
    for work_id in instance.runtime.timers.values():
        engine._disarm(work_id)
    instance.execution_id = uuid.uuid4().hex
    instance.runtime = Runtime()
    instance.history = []
    instance.input = input_text
    instance.output = None
    started = h.execution_started(
        engine.clock.now(), instance.name, instance.instance_id, instance.execution_id, input_text,
        h.parent_instance(instance.parent), instance.version,
    )  # fmt: skip
    engine._send(instance.instance_id, started, instance.execution_id, step=step)
