"""Calling orchestrator, activity and entity functions the way the Python worker does."""

from __future__ import annotations

import asyncio
import json
import traceback
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any

import azure.functions as func
from azure.functions._durable_functions import df_dumps, df_loads

from devhost.actions import parse_failure
from devhost.loader import ActivityFunction


def decode_activity_input(text: str | None) -> Any:
    """What ActivityTriggerConverter.decode gives the function: the JSON value, else the text."""
    if text is None:
        return None
    try:
        return df_loads(text)
    except json.JSONDecodeError:
        return text


class InvocationContext:
    """The slice of `func.Context` that functions read."""

    def __init__(self, invocation_id: str, function_name: str) -> None:
        self.invocation_id = invocation_id
        self.function_name = function_name
        self.function_directory = ""
        self.trace_context = None
        self.retry_context = None


def invoke_orchestrator(handle: Callable[[str], str] | None, context: str) -> tuple[bool, Any]:
    """(True, the SDK's state dict) or (False, error message). Runs in a worker thread: the SDK
    handle is synchronous and replays the whole history."""
    if handle is None:
        return False, "the orchestrator function doesn't exist or is disabled"
    try:
        return True, json.loads(handle(context))
    except Exception as exc:
        message, _ = parse_failure(exc)
        return False, message


async def run_activity(
    activity: ActivityFunction,
    input_text: str | None,
    pool: Executor,
    invocation_id: str,
    client_binding: str | None = None,
) -> tuple[bool, str, str]:
    """(succeeded, result JSON text | failure reason, failure details)."""
    kwargs: dict[str, Any] = {activity.trigger_param: decode_activity_input(input_text)}
    if activity.client_param:
        kwargs[activity.client_param] = client_binding
    if activity.wants_context:
        kwargs["context"] = InvocationContext(invocation_id, activity.name)
    try:
        if activity.is_async:
            result = await activity.fn(**kwargs)
        else:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(pool, partial(activity.fn, **kwargs))
        try:
            return True, df_dumps(result), ""
        except (TypeError, ValueError) as exc:
            raise ValueError("activity trigger output must be json serializable") from exc
    except Exception as exc:
        reason = f"Activity function '{activity.name}' failed: {type(exc).__name__}: {exc}"
        return False, reason, "".join(traceback.format_exception(exc))


def http_response_parts(value: Any) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of what an HTTP function returned."""
    if isinstance(value, func.HttpResponse):
        headers = dict(value.headers)
        if value.mimetype and not any(k.lower() == "content-type" for k in headers):
            charset = f"; charset={value.charset}" if value.charset else ""
            headers["Content-Type"] = f"{value.mimetype}{charset}"
        return value.status_code, headers, value.get_body() or b""
    if value is None:
        return 204, {}, b""
    if isinstance(value, bytes):
        return 200, {"Content-Type": "application/octet-stream"}, value
    return 200, {"Content-Type": "text/plain; charset=utf-8"}, str(value).encode()
