"""Changed copies of some conformance orchestrators, each edited the way that breaks replay.

The replay tests record histories with `conformance_app` and replay them against these.
"""

from __future__ import annotations

from datetime import timedelta

import azure.durable_functions as df

app = df.DFApp()


@app.orchestration_trigger(context_name="context")
def chaining(context: df.DurableOrchestrationContext):
    """The second step calls another activity."""
    first = yield context.call_activity("say_hello", context.get_input())
    second = yield context.call_activity("double", 1)
    number = yield context.call_activity("double", 21)
    return [first, second, number]


@app.orchestration_trigger(context_name="context")
def race(context: df.DurableOrchestrationContext):
    """An activity where the timer was."""
    approval = context.wait_for_external_event("Approval")
    check = context.call_activity("say_hello", "instead of a timer")
    winner = yield context.task_any([approval, check])
    return {"winner": "event" if winner == approval else "activity"}


@app.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext):
    """The first sub-orchestration is another one."""
    named = yield context.call_sub_orchestrator("counting", {"n": 0, "seen": []}, "x-child")
    return {"named": named}


@app.orchestration_trigger(context_name="context")
def retrying(context: df.DurableOrchestrationContext):
    """No retry policy any more: the retry timer the history holds is missing."""
    job = context.get_input()
    try:
        attempts = yield context.call_activity("flaky", job)
    except Exception as exc:
        return {"failed": str(exc)}
    after = yield context.call_activity("say_hello", "after")
    return {"attempts": attempts, "after": after}


@app.orchestration_trigger(context_name="context")
def forever(context: df.DurableOrchestrationContext):
    """A new step before the wait, while instances already wait."""
    yield context.call_activity("say_hello", "new step")
    yield context.wait_for_external_event("Never")


@app.orchestration_trigger(context_name="context")
def failing(context: df.DurableOrchestrationContext):
    """Fixed: it no longer fails."""
    yield context.call_activity("say_hello", "before failure")
    return "fine"


@app.orchestration_trigger(context_name="context")
def with_status(context: df.DurableOrchestrationContext):
    """Raises where it used to wait."""
    raise RuntimeError("broken during replay")


@app.orchestration_trigger(context_name="context")
def counter_user(context: df.DurableOrchestrationContext):
    """Calls another entity operation."""
    entity = df.EntityId("Counter", context.get_input())
    context.signal_entity(entity, "add", 5)
    value = yield context.call_entity(entity, "read")
    yield context.create_timer(context.current_utc_datetime + timedelta(seconds=1))
    return {"value": value}
