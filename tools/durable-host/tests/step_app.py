"""Orchestrators for the pure step's tests (test_decide.py): one per rule they exercise."""

from __future__ import annotations

from datetime import timedelta

import azure.durable_functions as df

app = df.DFApp()
RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=1000, max_number_of_attempts=3)


@app.orchestration_trigger(context_name="context")
def greet(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("hello", context.get_input()))


@app.orchestration_trigger(context_name="context")
def greet_missing(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("no_such_activity", None))


@app.orchestration_trigger(context_name="context")
def greet_with_retry(context: df.DurableOrchestrationContext):
    return (yield context.call_activity_with_retry("hello", RETRY, "x"))


@app.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext):
    context.set_custom_status("waiting")
    deadline = context.current_utc_datetime + timedelta(hours=1)
    timer = context.create_timer(deadline)
    approved = context.wait_for_external_event("Approve")
    winner = yield context.task_any([approved, timer])
    if winner == approved:
        timer.cancel()
        return "approved"
    return "timed out"


@app.orchestration_trigger(context_name="context")
def count(context: df.DurableOrchestrationContext):
    context.signal_entity(df.EntityId("counter", "k"), "add", 5)
    yield context.call_activity("hello", "done")
    return None


@app.activity_trigger(input_name="name")
def hello(name: str) -> str:
    return f"hello {name}"
