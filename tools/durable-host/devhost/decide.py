"""The pure orchestration step: an instance and its new events in, history events and effects out.

No I/O, no clock, no engine: the moment and the app's function names are arguments, the
instance is only read (its runtime is copied), so a step can be tested with a history in and
the events and effects out. The engine runs the SDK first (`invoke.invoke_orchestrator`) and
applies the returned `Decision` in one store transaction.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from devhost import history as h
from devhost.actions import NUMBERED, ActionType, flatten
from devhost.effects import CancelTimer, ContinueAsNew, Decision, SendMessage
from devhost.instance import Instance, Runtime
from devhost.schedule import Catalog, OrchestrationError, Scheduler
from devhost.versioning import MISMATCH_MESSAGE, MISMATCH_TYPE

__all__ = ["Catalog", "orchestrator_step", "terminated", "version_mismatch"]

Outcome = tuple[bool, Any]  # (True, the SDK's state dict) or (False, error message)
FINAL_CODES = {"Completed": 1, "Failed": 3, "Terminated": 5}


def orchestrator_step(
    instance: Instance,
    events: list[h.Event],
    outcome: Outcome,
    catalog: Catalog,
    now: datetime,
) -> Decision:
    """`events` are the episode's OrchestratorStarted and the new messages' events.

    A failed step does nothing but fail the instance: no sub-instances, activities, timers or
    signals of it happen.
    """
    decision = _draft(instance, events)
    ok, value = outcome
    try:
        if not ok:
            raise OrchestrationError(value)
        scheduler = Scheduler(instance, decision, catalog, now)
        for event in events[1:]:
            scheduler.retry_bookkeeping(event)
        _execute(scheduler, value)
    except OrchestrationError as exc:
        failed = _draft(instance, events)
        message = f"Orchestrator function '{instance.name}' failed: {exc}"
        finish(failed, instance, "Failed", json.dumps(message), now)
        return failed
    return decision


def terminated(instance: Instance, reason: str | None, now: datetime) -> Decision:
    """DTFx runs a step for it: the orchestration completes as Terminated, with the reason."""
    opened = h.event(h.EventType.ORCHESTRATOR_STARTED, now)
    decision = _draft(instance, [opened])
    decision.events.append(h.event(h.EventType.EXECUTION_TERMINATED, now, Input=reason))
    finish(decision, instance, "Terminated", json.dumps(reason), now)
    decision.events.append(h.event(h.EventType.ORCHESTRATOR_COMPLETED, now))
    return decision


def version_mismatch(instance: Instance, events: list[h.Event], now: datetime) -> Decision:
    """DTFx's `Fail` on a version this host does not run; `events` as for `orchestrator_step`."""
    failure = {"ErrorType": MISMATCH_TYPE, "ErrorMessage": MISMATCH_MESSAGE,
               "StackTrace": None, "InnerFailure": None, "IsNonRetriable": True}  # fmt: skip
    decision = _draft(instance, events)
    output = json.dumps(f"{MISMATCH_TYPE}: {MISMATCH_MESSAGE}")
    finish(decision, instance, "Failed", output, now, failure)
    decision.events.append(h.event(h.EventType.ORCHESTRATOR_COMPLETED, now))
    return decision


def finish(
    decision: Decision,
    instance: Instance,
    status: str,
    output: str | None,
    now: datetime,
    failure: dict[str, Any] | None = None,
) -> None:
    """Final status; a parent is told. `failure`: DTFx FailureDetails, when the host fails it."""
    result = None if failure else output
    if status == "Terminated":  # the reason as given, not JSON-encoded
        result = json.loads(output) if output else None
    decision.events.append(
        h.event(h.EventType.EXECUTION_COMPLETED, now, OrchestrationStatus=FINAL_CODES[status],
                Result=result, FailureDetails=failure)
    )  # fmt: skip
    decision.status = status
    decision.output = output
    decision.finished = True
    parent = instance.parent
    if parent is None:
        return
    task_id = parent["task_id"]
    if status == "Completed":
        event = h.sub_orchestration_completed(now, task_id, output)
    else:
        reason = json.loads(output) if output else status
        event = h.sub_orchestration_failed(now, task_id, str(reason), "")
    decision.effects.append(SendMessage(parent["instance_id"], event, parent["execution_id"]))


def _draft(instance: Instance, events: list[h.Event]) -> Decision:
    """The step before any rule ran: the instance's state, with a runtime of its own."""
    status = "Running" if instance.status == "Pending" else instance.status
    return Decision(
        events=list(events),
        runtime=Runtime.from_json(instance.runtime.to_json()),
        status=status,
        output=instance.output,
        custom_status=instance.custom_status,
    )


def _execute(scheduler: Scheduler, state: dict[str, Any]) -> None:
    """The actions the SDK returned that are new since the last step, in the SDK's order."""
    decision, rt, now = scheduler.decision, scheduler.decision.runtime, scheduler.now
    flat = flatten(state)
    for index, timer_id in list(rt.timer_at.items()):
        position = int(index)
        if position < len(flat) and flat[position].get("isCanceled"):
            del rt.timer_at[index]
            work_id = rt.timers.pop(str(timer_id), None)
            if work_id is not None:
                decision.effects.append(CancelTimer(work_id))
    continues: dict[str, Any] | None = None
    for position in range(rt.flat_seen, len(flat)):
        action = flat[position]
        kind = action["actionType"]
        number = rt.take_id() if kind in NUMBERED else -1
        if kind in (ActionType.CALL_ACTIVITY, ActionType.CALL_ACTIVITY_WITH_RETRY):
            scheduler.activity(number, action)
            if kind == ActionType.CALL_ACTIVITY_WITH_RETRY:
                rt.retries[str(number)] = {"kind": "activity", "action": action, "attempt": 1}
        elif kind in (
            ActionType.CALL_SUB_ORCHESTRATOR,
            ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY,
        ):
            scheduler.sub_orchestration(number, action)
            if kind == ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY:
                rt.retries[str(number)] = {"kind": "sub", "action": action, "attempt": 1}
        elif kind == ActionType.CONTINUE_AS_NEW:
            continues = action
        elif kind == ActionType.CREATE_TIMER:
            scheduler.timer(number, action["fireAt"], position, action.get("isCanceled", False))
        elif kind == ActionType.WAIT_FOR_EXTERNAL_EVENT:
            pass  # nothing to schedule: an event raised at any time is appended as it comes
        elif kind in (ActionType.CALL_ENTITY, ActionType.SIGNAL_ENTITY):
            scheduler.entity_op(number, action)
        else:
            raise OrchestrationError(f"action type {kind} is not supported by the local host")
    rt.flat_seen = len(flat)
    decision.events.append(h.event(h.EventType.ORCHESTRATOR_COMPLETED, now))
    if "customStatus" in state:
        decision.custom_status = json.dumps(state["customStatus"])
    if not state.get("isDone"):
        return
    if continues is not None:
        # Events already appended to this execution stay with it (the extension's default, no
        # `preserveUnprocessedEvents`); those raised later reach the new one.
        decision.events.append(
            h.event(h.EventType.EXECUTION_COMPLETED, now, OrchestrationStatus=2,
                    Result=continues.get("input"))
        )  # fmt: skip
        decision.continue_as_new = ContinueAsNew(continues.get("input"))
    else:
        finish(decision, scheduler.instance, "Completed", json.dumps(state.get("output")), now)
