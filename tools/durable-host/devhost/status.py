"""Status payloads of the durable HTTP API (StatusResponsePayload); history in public_history."""

from __future__ import annotations

import json
from typing import Any

from devhost import history as h
from devhost.public_history import EVENT_NAMES, history_events

RUNNING_LIKE = frozenset({"Pending", "Running", "Suspended", "ContinuedAsNew"})


def api_time(text: str) -> str:
    return h.parse_time(text).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def payload(
    row: dict[str, Any],
    show_input: bool = True,
    history: list[str] | None = None,
    show_history_output: bool = False,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": row["name"],
        "instanceId": row["instance_id"],
        "runtimeStatus": row["status"],
        "input": _input_value(row["input"]) if show_input else None,
        "customStatus": _json(row["custom_status"]),
        "output": _json(row["output"]),
        "createdTime": api_time(row["created"]),
        "lastUpdatedTime": api_time(row["updated"]),
    }
    if history is not None and row["status"] != "Pending":  # the extension shows none for Pending
        body["historyEvents"] = history_events(history, show_input, show_history_output)
    return body


def _input_value(text: str | None) -> Any:
    """The stored input token: Python clients send a JSON string holding the JSON text."""
    return text


__all__ = ["EVENT_NAMES", "RUNNING_LIKE", "api_time", "payload"]
