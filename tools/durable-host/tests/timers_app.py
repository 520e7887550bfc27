"""Timer-heavy orchestrations for the time-skipping tests (tests only)."""

from __future__ import annotations

import time
from datetime import timedelta

import azure.durable_functions as df

app = df.DFApp()


@app.orchestration_trigger(context_name="context")
def two_timers(context: df.DurableOrchestrationContext):
    """Sleeps one hour, then another, recording each wake-up in its custom status."""
    started = context.current_utc_datetime
    woke = []
    for _ in range(2):
        yield context.create_timer(context.current_utc_datetime + timedelta(hours=1))
        woke.append((context.current_utc_datetime - started).total_seconds() / 3600)
        context.set_custom_status(woke)
    return woke


@app.orchestration_trigger(context_name="context")
def slow_work_or_timeout(context: df.DurableOrchestrationContext):
    """An activity of real seconds raced against a timer of `minutes` minutes."""
    seconds, minutes = context.get_input()
    timer = context.create_timer(context.current_utc_datetime + timedelta(minutes=minutes))
    work = context.call_activity(sleep_for, seconds)
    winner = yield context.task_any([work, timer])
    if winner == work:
        timer.cancel()
        return "work"
    return "timeout"


@app.orchestration_trigger(context_name="context")
def approval_or_timeout(context: df.DurableOrchestrationContext):
    timer = context.create_timer(context.current_utc_datetime + timedelta(days=3))
    approval = context.wait_for_external_event("Approval")
    winner = yield context.task_any([approval, timer])
    if winner == approval:
        timer.cancel()
        return {"approved_by": approval.result}
    return "expired"


@app.activity_trigger(input_name="seconds")
def sleep_for(seconds: float) -> float:
    time.sleep(seconds)
    return seconds
