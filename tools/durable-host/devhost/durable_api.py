"""The durable HTTP management API under /runtime/webhooks/durabletask, and the SDK's rpc base."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devhost import history as h
from devhost.binding import RPC_PATH, WEBHOOK_PATH, check_status_payload
from devhost.engine import Engine
from devhost.entities import entity_id
from devhost.status import RUNNING_LIKE, api_time, payload

TRUE = {"true", "1"}


def _engine(request: Request) -> Engine:
    return request.app.state.engine


def _flag(request: Request, name: str, default: bool = False) -> bool:
    for key, value in request.query_params.items():
        if key.lower() == name.lower():
            return value.lower() in TRUE
    return default


def _query(request: Request, name: str) -> str | None:
    for key, value in request.query_params.items():
        if key.lower() == name.lower():
            return value
    return None


def _error(status: int, message: str, exception_type: str = "System.ArgumentException") -> Response:
    body = {"Message": message, "ExceptionMessage": message, "ExceptionType": exception_type,
            "StackTrace": ""}  # fmt: skip
    return JSONResponse(body, status_code=status)


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


async def _json_body(request: Request) -> tuple[bool, Any, bool]:
    """(has body, parsed token, valid)."""
    raw = await request.body()
    if not raw.strip():
        return False, None, True
    try:
        return True, json.loads(raw), True
    except json.JSONDecodeError:
        return True, None, False


def _input_text(token: Any) -> str:
    # A JSON string token already holds the serialized input (the Python client double-encodes).
    return token if isinstance(token, str) else json.dumps(token)


async def start(request: Request) -> Response:
    engine = _engine(request)
    name = request.path_params["function"]
    instance_id = request.path_params.get("instance_id")
    if instance_id and (instance_id.startswith("@") or any(c in instance_id for c in "/\\#?")):
        return _error(400, f"Instance ID '{instance_id}' contains invalid characters.")
    has_body, token, valid = await _json_body(request)
    if not valid:
        return _error(400, "Invalid JSON content")
    version = _query(request, "version")  # sent by the SDK's start_new(..., version=)
    try:
        instance_id = engine.start_new(
            name, instance_id, _input_text(token) if has_body else None, version
        )
    except LookupError:
        known = "', '".join(engine.index.orchestrator_names.values())
        return _error(
            400,
            f"The function '{name}' doesn't exist, is disabled, or is not an orchestrator "
            f"function. Additional info: The following are the known orchestrator functions: "
            f"'{known}'.",
        )
    timeout = _query(request, "timeout")
    if timeout:
        done = await _wait(
            engine, instance_id, float(timeout), float(_query(request, "pollingInterval") or 1)
        )
        if done is not None:
            return done
    body = check_status_payload(_origin(request), engine.hub_name, instance_id)
    headers = {"Location": body["statusQueryGetUri"], "Retry-After": "10"}
    return JSONResponse(body, status_code=202, headers=headers)


async def _wait(
    engine: Engine, instance_id: str, wait_seconds: float, interval: float
) -> Response | None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        row = engine.store.instance(instance_id)
        if row and row["status"] not in RUNNING_LIKE:
            return JSONResponse(payload(row), status_code=200)
        if loop.time() >= deadline:
            return None
        await asyncio.sleep(min(interval, 0.05 + max(0.0, deadline - loop.time())))


async def status(request: Request) -> Response:
    engine = _engine(request)
    instance_id = request.path_params["instance_id"]
    row = engine.store.instance(instance_id)
    if row is None:
        return Response(status_code=404)
    history = None
    if _flag(request, "showHistory"):
        history = engine.store.history(instance_id, row["execution_id"])
    body = payload(
        row, _flag(request, "showInput", True), history, _flag(request, "showHistoryOutput")
    )
    if row["status"] in RUNNING_LIKE:
        headers = {"Location": str(request.url), "Retry-After": "5"}
        return JSONResponse(body, status_code=202, headers=headers)
    code = (
        500
        if row["status"] == "Failed" and _flag(request, "returnInternalServerErrorOnFailure")
        else 200
    )
    return JSONResponse(body, status_code=code)


def _filters(request: Request) -> dict[str, Any]:
    def when(name: str) -> str | None:
        value = _query(request, name)
        return h.timestamp(h.parse_time(value)) if value else None

    statuses = _query(request, "runtimeStatus")
    top = _query(request, "top")
    return {
        "statuses": [s.strip() for s in statuses.split(",") if s.strip()] if statuses else None,
        "prefix": _query(request, "instanceIdPrefix"),
        "created_from": when("createdTimeFrom"),
        "created_to": when("createdTimeTo"),
        "limit": int(top) if top else None,
    }


async def list_instances(request: Request) -> Response:
    rows = _engine(request).store.instances(**_filters(request))
    show_input = _flag(request, "showInput", False)
    return JSONResponse(
        [payload(r, show_input) for r in rows], headers={"x-ms-continuation-token": ""}
    )


async def purge_one(request: Request) -> Response:
    if not _engine(request).purge(request.path_params["instance_id"]):
        return Response(status_code=404)
    return JSONResponse({"instancesDeleted": 1})


async def purge_many(request: Request) -> Response:
    filters = _filters(request)
    if filters["created_from"] is None:
        return _error(400, "Please provide value for 'createdTimeFrom' parameter.")
    filters["limit"] = None
    engine = _engine(request)
    deleted = sum(engine.purge(r["instance_id"]) for r in engine.store.instances(**filters))
    if not deleted:
        return Response(status_code=404)
    return JSONResponse({"instancesDeleted": deleted})


async def raise_event(request: Request) -> Response:
    engine = _engine(request)
    instance_id = request.path_params["instance_id"]
    if engine.store.instance(instance_id) is None:
        return Response(status_code=404)
    content_type = request.headers.get("content-type", "")
    has_body, token, valid = await _json_body(request)
    if has_body and (not valid or "json" not in content_type.lower()):
        return _error(400, "Only application/json request content is supported")
    input_text = json.dumps(token, separators=(",", ":")) if has_body else None
    code = engine.raise_event(instance_id, request.path_params["event"], input_text)
    return Response(status_code=code)


async def operation(request: Request) -> Response:
    engine = _engine(request)
    instance_id = request.path_params["instance_id"]
    op = request.path_params["operation"].lower()
    if op == "terminate":
        code = engine.terminate(instance_id, _query(request, "reason"))
    elif op in ("suspend", "resume"):
        code = engine.set_suspended(instance_id, op == "suspend")
    elif op == "restart":
        row = engine.store.instance(instance_id)
        if row is None:
            return Response(status_code=404)
        new_id = instance_id if _query(request, "restartWithNewInstanceId") == "false" else None
        started = engine.start_new(row["name"], new_id, row["input"])
        return JSONResponse(check_status_payload(_origin(request), engine.hub_name, started), 202)
    else:  # rewind among them: not faithful here, so not offered (no rewindPostUri either)
        return _error(501, f"The operation '{op}' is not supported by the local host.",
                      "System.NotSupportedException")  # fmt: skip
    return Response(status_code=code)


async def signal_entity(request: Request) -> Response:
    name, key = request.path_params["name"], request.path_params["key"]
    operation_name = "delete" if request.method == "DELETE" else _query(request, "op")
    if not operation_name:
        return _error(400, "The 'op' query parameter is required.")
    raw = await request.body()
    input_text = None
    if raw.strip():
        if "json" in request.headers.get("content-type", "").lower():
            try:
                input_text = json.dumps(json.loads(raw))
            except json.JSONDecodeError:
                return _error(400, "Invalid JSON content")
        else:
            input_text = json.dumps(raw.decode())
    _engine(request).signal_entity(name, "" if key == "$" else key, operation_name, input_text)
    return Response(status_code=202)


async def read_entity(request: Request) -> Response:
    key = request.path_params["key"]
    row = _engine(request).store.entity(
        entity_id(request.path_params["name"], "" if key == "$" else key)
    )
    if row is None or not row["exists_"]:
        return Response(status_code=404)
    return Response(row["state"] or "null", media_type="application/json")


async def list_entities(request: Request) -> Response:
    name = request.path_params.get("name")
    rows = _engine(request).store.entities(name.lower() if name else None)
    fetch_state = _flag(request, "fetchState")
    body = [
        {"entityId": {"name": r["name"], "key": r["key"]},
         "lastOperationTime": api_time(r["last_operation"]),
         "state": json.loads(r["state"]) if fetch_state and r["state"] else None}
        for r in rows
        if r["exists_"]
    ]  # fmt: skip
    return JSONResponse(body)


def _routes(base: str) -> list[Route]:
    return [
        Route(f"{base}/orchestrators/{{function}}", start, methods=["POST"]),
        Route(f"{base}/orchestrators/{{function}}/{{instance_id}}", start, methods=["POST"]),
        Route(f"{base}/instances", list_instances, methods=["GET"]),
        Route(f"{base}/instances/", list_instances, methods=["GET"]),
        Route(f"{base}/instances", purge_many, methods=["DELETE"]),
        Route(f"{base}/instances/", purge_many, methods=["DELETE"]),
        Route(f"{base}/instances/{{instance_id}}", status, methods=["GET"]),
        Route(f"{base}/instances/{{instance_id}}", purge_one, methods=["DELETE"]),
        Route(
            f"{base}/instances/{{instance_id}}/raiseEvent/{{event}}",
            raise_event,
            methods=["POST"],
        ),
        Route(f"{base}/instances/{{instance_id}}/{{operation}}", operation, methods=["POST"]),
        Route(f"{base}/entities", list_entities, methods=["GET"]),
        Route(f"{base}/entities/", list_entities, methods=["GET"]),
        Route(f"{base}/entities/{{name}}", list_entities, methods=["GET"]),
        Route(f"{base}/entities/{{name}}/{{key}}", signal_entity, methods=["POST", "DELETE"]),
        Route(f"{base}/entities/{{name}}/{{key}}", read_entity, methods=["GET"]),
    ]


# The public webhook API (key-checked) and the SDK's rpc base (loopback only), same handlers.
ROUTES = [*_routes(WEBHOOK_PATH), *_routes(RPC_PATH)]
