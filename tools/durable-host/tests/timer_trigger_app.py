"""Timer-triggered functions for the timer trigger tests (tests only)."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp()
CALLS: list[dict[str, object]] = []


@app.timer_trigger(arg_name="timer", schedule="%SweepSchedule%", run_on_startup=False)
@app.durable_client_input(client_name="client")
async def sweep(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    """Starts an orchestration through its durable client, so the binding is proven too."""
    instance_id = await client.start_new("noted", None, {"past_due": timer.past_due})
    CALLS.append({"past_due": timer.past_due, "status": timer.schedule_status, "id": instance_id})


@app.timer_trigger(arg_name="timer", schedule="*/1 * * * * *", run_on_startup=True)
def every_second(timer: func.TimerRequest) -> None:
    CALLS.append({"every_second": True, "past_due": timer.past_due})


@app.orchestration_trigger(context_name="context")
def noted(context: df.DurableOrchestrationContext):
    seen = yield context.call_activity(echo_with_client, context.get_input())
    return seen


@app.activity_trigger(input_name="payload")
@app.durable_client_input(client_name="client")
async def echo_with_client(payload: dict, client: df.DurableOrchestrationClient) -> dict:
    """An activity with a durable client binding lists the instances it can see."""
    instances = await client.get_status_all()
    return {**payload, "instances": len(instances)}
