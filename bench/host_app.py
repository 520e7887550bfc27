"""The orchestrations `bench.host` measures (not part of the product's function_app.py)."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.activity_trigger(input_name="value")
def noop(value: int) -> int:
    return value


@app.orchestration_trigger(context_name="context")
def sequence(context: df.DurableOrchestrationContext):
    """n activities one after another: each step adds four events to the history."""
    total = 0
    for index in range(context.get_input()):
        total += yield context.call_activity(noop, index)
    return total


@app.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext):
    results = yield context.task_all(
        [context.call_activity(noop, index) for index in range(context.get_input())]
    )
    return sum(results)


@app.orchestration_trigger(context_name="context")
def await_event(context: df.DurableOrchestrationContext):
    value = yield context.wait_for_external_event("Go")
    return value
