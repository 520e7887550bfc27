"""Entity ids and the batch protocol of the entity trigger (durable-protocol.md §3)."""

from __future__ import annotations

import json
from typing import Any


def entity_id(name: str, key: str) -> str:
    return f"@{name.lower()}@{key}"


def split_entity_id(value: str) -> tuple[str, str]:
    _, name, key = value.split("@", 2)
    return name, key


def batch_request(
    name: str, key: str, exists: bool, state: str | None, ops: list[dict[str, Any]]
) -> str:
    batch = [{"name": op["op"], "input": op["input"], "isSignal": op["signal"]} for op in ops]
    return json.dumps(
        {"self": {"name": name, "key": key}, "exists": exists, "state": state, "batch": batch}
    )


def response_input(result: dict[str, Any]) -> str:
    """EventRaised Input routed back to a calling orchestration (omit exceptionType on success)."""
    message: dict[str, Any] = {"result": result.get("result")}
    if result.get("isError"):
        message["exceptionType"] = "Error"
    return json.dumps(message)


def error_result(message: str) -> dict[str, Any]:
    return {"isError": True, "result": json.dumps(message)}
