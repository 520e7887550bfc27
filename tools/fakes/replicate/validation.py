"""Request-body checks shared by the handlers, as Replicate's `invalid_fields` entries."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from tools.fakes.replicate.jobs import ALL_EVENTS

FieldProblem = dict[str, str]


async def json_body(request: Request) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one."""
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def field(kind: str, name: str, description: str) -> FieldProblem:
    return {"type": kind, "field": name, "description": description}


def required_fields(body: dict[str, Any], names: tuple[str, ...]) -> list[FieldProblem]:
    return [field("required", "(root)", f"{n} is required") for n in names if n not in body]


def webhook_problems(body: dict[str, Any]) -> list[FieldProblem]:
    fields: list[FieldProblem] = []
    webhook = body.get("webhook")
    if webhook is not None and (
        not isinstance(webhook, str) or not webhook.startswith(("http://", "https://"))
    ):
        fields.append(field("format", "webhook", "Does not match format 'uri'"))
    events = body.get("webhook_events_filter")
    if events is not None and (
        not isinstance(events, list) or not set(events) <= ALL_EVENTS or not events
    ):
        options = ", ".join(f'"{e}"' for e in sorted(ALL_EVENTS))
        fields.append(
            field("enum", "webhook_events_filter", f"items must be one of the following: {options}")
        )
    return fields
