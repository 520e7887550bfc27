"""A small Durable Functions app that exercises every feature of the local host (tests only)."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)


# -- HTTP starters ----------------------------------------------------------------
@app.route(route="start/{name}/{instance_id?}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def start(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    body = req.get_json() if req.get_body() else None
    instance_id = await client.start_new(
        req.route_params["name"],
        req.route_params.get("instance_id"),
        body,
        version=req.params.get("version"),
    )
    return client.create_check_status_response(req, instance_id)


@app.route(route="run/{name}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def run(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    body = req.get_json() if req.get_body() else None
    instance_id = await client.start_new(req.route_params["name"], None, body)
    timeout = int(req.params.get("timeoutMs", "10000"))
    return await client.wait_for_completion_or_create_check_status_response(
        req, instance_id, timeout_in_milliseconds=timeout, retry_interval_in_milliseconds=50
    )


@app.route(route="events/{instance_id}/{event}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def send_event(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    await client.raise_event(
        req.route_params["instance_id"], req.route_params["event"], req.get_json()
    )
    return func.HttpResponse(status_code=202)


@app.route(route="counters/{key}", methods=["GET", "POST"])
@app.durable_client_input(client_name="client")
async def counter_api(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    entity = df.EntityId("Counter", req.route_params["key"])
    if req.method == "POST":
        await client.signal_entity(entity, "add", req.get_json())
        return func.HttpResponse(status_code=202)
    state = await client.read_entity_state(entity)
    if not state.entity_exists:
        return func.HttpResponse(status_code=404)
    return func.HttpResponse(json.dumps(state.entity_state), mimetype="application/json")


@app.route(
    route="echo/{word?}", methods=["GET", "POST", "PUT"], auth_level=func.AuthLevel.ANONYMOUS
)
def echo(req: func.HttpRequest) -> func.HttpResponse:
    body = req.get_body()
    summary = {
        "method": req.method,
        "route": dict(req.route_params),
        "query": dict(req.params),
        "header": req.headers.get("x-probe"),
        "bodyLength": len(body),
        "bodyTail": body[-8:].decode("latin-1"),
    }
    return func.HttpResponse(
        json.dumps(summary), status_code=201, mimetype="application/json", headers={"X-Echo": "1"}
    )


@app.route(route="host-admin", methods=["GET"], auth_level=func.AuthLevel.ADMIN)
def host_admin(req: func.HttpRequest) -> str:
    return "admin"


@app.route(route="async-echo", methods=["GET"])
async def async_echo(req: func.HttpRequest) -> str:
    return f"async {req.params.get('q')}"


# -- activities ----------------------------------------------------------------
@app.activity_trigger(input_name="name")
def say_hello(name: str) -> str:
    return f"Hello {name}"


@app.activity_trigger(input_name="value")
async def double(value: int) -> int:
    return value * 2


_barriers: dict[str, threading.Barrier] = {}
_barriers_lock = threading.Lock()


@app.activity_trigger(input_name="job")
def rendezvous(job: dict[str, Any]) -> int:
    """Returns only when `parties` calls run at the same time: proves a parallel fan-out."""
    with _barriers_lock:
        barrier = _barriers.setdefault(job["group"], threading.Barrier(job["parties"], timeout=30))
    barrier.wait()
    return job["index"]


_attempts: dict[str, int] = defaultdict(int)


@app.activity_trigger(input_name="job")
def flaky(job: dict[str, Any]) -> int:
    """Fails until attempt number `succeed_on`; counts attempts per key."""
    _attempts[job["key"]] += 1
    if _attempts[job["key"]] < job["succeed_on"]:
        raise RuntimeError(f"attempt {_attempts[job['key']]} failed")
    return _attempts[job["key"]]


@app.activity_trigger(input_name="job")
def append_line(job: dict[str, Any]) -> str:
    """A side effect the crash test can count."""
    with Path(job["path"]).open("a") as out:
        out.write(job["line"] + "\n")
    time.sleep(job.get("hold", 0))
    return job["line"]


_releases: dict[str, threading.Event] = {}


def release(key: str) -> threading.Event:
    """The gate `held` waits on; a test sets it to let the activity finish."""
    with _barriers_lock:
        return _releases.setdefault(key, threading.Event())


@app.activity_trigger(input_name="key")
def held(key: str) -> str:
    release(key).wait(30)
    return key


# -- orchestrators ----------------------------------------------------------------
@app.orchestration_trigger(context_name="context")
def chaining(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("say_hello", context.get_input())
    second = yield context.call_activity(say_hello, first)
    number = yield context.call_activity("double", 21)
    return [first, second, number]


@app.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext):
    parties = context.get_input()
    group = context.instance_id
    tasks = [
        context.call_activity("rendezvous", {"group": group, "parties": parties, "index": i})
        for i in range(parties)
    ]
    results = yield context.task_all(tasks)
    return sum(results)


@app.orchestration_trigger(context_name="context")
def retrying(context: df.DurableOrchestrationContext):
    job = context.get_input()
    options = df.RetryOptions(
        first_retry_interval_in_milliseconds=60_000, max_number_of_attempts=job["max"]
    )
    try:
        attempts = yield context.call_activity_with_retry("flaky", options, job)
    except Exception as exc:
        return {"failed": str(exc).split("\n")[0].strip()}
    after = yield context.call_activity("say_hello", "after")
    return {"attempts": attempts, "after": after}


@app.orchestration_trigger(context_name="context")
def race(context: df.DurableOrchestrationContext):
    hours = context.get_input()
    started = context.current_utc_datetime
    timer = context.create_timer(started + timedelta(hours=hours))
    approval = context.wait_for_external_event("Approval")
    winner = yield context.task_any([approval, timer])
    if winner == approval:
        timer.cancel()
        return {"winner": "event", "value": approval.result}
    elapsed = (context.current_utc_datetime - started).total_seconds()
    return {"winner": "timer", "elapsedHours": elapsed / 3600}


@app.orchestration_trigger(context_name="context")
def event_first(context: df.DurableOrchestrationContext):
    ready = yield context.wait_for_external_event("Ready")
    go = yield context.wait_for_external_event("Go")
    return [ready, go]


@app.orchestration_trigger(context_name="context")
def early_events(context: df.DurableOrchestrationContext):
    """Waits twice on "Go" only after "Start": any "Go" raised before then arrives early."""
    yield context.wait_for_external_event("Start")
    first = yield context.wait_for_external_event("Go")
    second = yield context.wait_for_external_event("Go")
    return [first, second]


@app.orchestration_trigger(context_name="context")
def collect(context: df.DurableOrchestrationContext):
    items = []
    for _ in range(context.get_input()):
        item = yield context.wait_for_external_event("Item")
        items.append(item)
    return items


@app.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext):
    named = yield context.call_sub_orchestrator("chaining", "child", f"{context.instance_id}-child")
    unnamed = yield context.call_sub_orchestrator("chaining", "anon")
    options = df.RetryOptions(1000, 3)
    retried = yield context.call_sub_orchestrator_with_retry(
        "retrying_child", options, {"key": f"{context.instance_id}-sub", "succeed_on": 2}
    )
    try:
        yield context.call_sub_orchestrator("failing", "boom")
    except Exception as exc:
        failure = str(exc).split("\n")[0].strip()
    return {"named": named, "unnamed": unnamed, "retried": retried, "failure": failure}


@app.orchestration_trigger(context_name="context")
def retrying_child(context: df.DurableOrchestrationContext):
    job = context.get_input()
    attempt = yield context.call_activity("flaky", {**job, "succeed_on": 1})
    if attempt < job["succeed_on"]:
        raise RuntimeError(f"child attempt {attempt}")
    return attempt


@app.orchestration_trigger(context_name="context")
def monitor(context: df.DurableOrchestrationContext):
    """An eternal monitor: check, sleep an hour, start over with the new state until done."""
    state = context.get_input()
    check = yield context.call_activity("double", state["round"])
    if state["round"] >= state["until"]:
        return {"round": state["round"], "check": check, "version": context.version}
    yield context.create_timer(context.current_utc_datetime + timedelta(hours=1))
    context.continue_as_new({**state, "round": state["round"] + 1})
    return None


@app.orchestration_trigger(context_name="context")
def holding(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("held", context.instance_id))


@app.orchestration_trigger(context_name="context")
def versioned(context: df.DurableOrchestrationContext):
    """Its own version and those its sub-orchestrations get, without and with one given."""
    child = yield context.call_sub_orchestrator("version_of")
    pinned = yield context.call_sub_orchestrator("version_of", None, None, "0.5")
    return {"own": context.version, "child": child, "pinned": pinned}


@app.orchestration_trigger(context_name="context")
def without_inputs(context: df.DurableOrchestrationContext):
    """An activity and a sub-orchestration called without input, one activity with a dict."""
    plain = yield context.call_activity("say_hello")
    shaped = yield context.call_activity("say_hello", {"city": "Tokyo"})
    child = yield context.call_sub_orchestrator("version_of")
    return [plain, shaped, child]


@app.orchestration_trigger(context_name="context")
def version_of(context: df.DurableOrchestrationContext):
    return context.version


@app.orchestration_trigger(context_name="context")
def by_version(context: df.DurableOrchestrationContext):
    """Takes another path from version 2.0 on, as a versioned change of an orchestrator does."""
    if context.version >= "2.0":
        return (yield context.call_activity("double", 2))
    return (yield context.call_activity("say_hello", "v1"))


@app.orchestration_trigger(context_name="context")
def counting(context: df.DurableOrchestrationContext):
    state = context.get_input()
    doubled = yield context.call_activity("double", state["n"])
    state = {"n": state["n"] + 1, "seen": [*state["seen"], doubled]}
    if state["n"] < 3:
        context.continue_as_new(state)
        return None
    return state


@app.orchestration_trigger(context_name="context")
def with_status(context: df.DurableOrchestrationContext):
    context.set_custom_status({"stage": "waiting"})
    value = yield context.wait_for_external_event("Continue")
    context.set_custom_status({"stage": "done"})
    return value


@app.orchestration_trigger(context_name="context")
def failing(context: df.DurableOrchestrationContext):
    yield context.call_activity("say_hello", "before failure")
    raise ValueError(f"bad input {context.get_input()}")


@app.orchestration_trigger(context_name="context")
def forever(context: df.DurableOrchestrationContext):
    yield context.wait_for_external_event("Never")


@app.orchestration_trigger(context_name="context")
def counter_user(context: df.DurableOrchestrationContext):
    entity = df.EntityId("Counter", context.get_input())
    context.signal_entity(entity, "add", 5)
    value = yield context.call_entity(entity, "get")
    try:
        yield context.call_entity(entity, "explode")
    except Exception as exc:
        error = str(exc)
    return {"value": value, "error": error}


@app.orchestration_trigger(context_name="context")
def crash_victim(context: df.DurableOrchestrationContext):
    job = context.get_input()
    first = yield context.call_activity("append_line", {"path": job["path"], "line": "one"})
    slow = context.call_activity("append_line", {"path": job["path"], "line": "two", "hold": 1})
    timer = context.create_timer(context.current_utc_datetime + timedelta(hours=10))
    second, _ = yield context.task_all([slow, timer])
    third = yield context.call_activity("append_line", {"path": job["path"], "line": "three"})
    return [first, second, third]


# -- entity ----------------------------------------------------------------
@app.entity_trigger(context_name="context")
def counter(context: df.DurableEntityContext) -> None:
    value = context.get_state(lambda: 0)
    operation = context.operation_name
    if operation == "add":
        value += context.get_input()
        context.set_result(value)
    elif operation == "get":
        context.set_result(value)
    elif operation == "explode":
        raise ValueError("counter exploded")
    context.set_state(value)


@app.orchestration_trigger(context_name="context")
def calls_missing(context: df.DurableOrchestrationContext):
    yield context.call_sub_orchestrator("chaining", "never started", "missing-child")
    yield context.call_activity("no_such_activity", None)


@app.orchestration_trigger(context_name="context")
def sequence(context: df.DurableOrchestrationContext):
    """n activities one after another: the history grows by four events per step."""
    total = 0
    for _ in range(context.get_input()):
        total += yield context.call_activity("double", 1)
    return total
