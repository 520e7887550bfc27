"""The response envelope of every endpoint: `{"success": bool, "data": ..., "error": ...}`."""

from __future__ import annotations

import json
from typing import TypeVar

import azure.functions as func
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from calendary.domain.requests import ChatId
from calendary.domain.responses import ErrorResponse, success

MAX_JSON_BODY = 1024 * 1024
M = TypeVar("M", bound=BaseModel)
# defer_build: the validator is built on first use, not when the worker indexes the app.
_chat_id = TypeAdapter(ChatId, config=ConfigDict(defer_build=True))


def respond(
    status: int, body: BaseModel, headers: dict[str, str] | None = None
) -> func.HttpResponse:
    """`body` is one of the documented answer models (`calendary.domain.responses`)."""
    return func.HttpResponse(
        body.model_dump_json(by_alias=True),
        status_code=status,
        headers=headers,
        mimetype="application/json",
        charset="utf-8",
    )


def ok(data: BaseModel, status: int = 200) -> func.HttpResponse:
    return respond(status, success(data))


def fail(status: int, error: str) -> func.HttpResponse:
    return respond(status, ErrorResponse(error=error))


class BadRequest(Exception):
    """Raised while reading a request; becomes a 400 with a message safe to show."""


def parse_body(req: func.HttpRequest, model: type[M]) -> M:
    body = req.get_body()
    if len(body) > MAX_JSON_BODY:
        raise BadRequest("request body is too large")
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("request body is not valid JSON") from exc
    if not isinstance(payload, dict):
        raise BadRequest("request body must be a JSON object")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise BadRequest(describe(exc)) from exc


def route_chat_id(req: func.HttpRequest) -> str:
    """The route's `{userId}`, which names storage folders: a chat id or a BadRequest."""
    try:
        return _chat_id.validate_python(req.route_params.get("userId", ""))
    except ValidationError as exc:
        raise BadRequest(
            "userId must be a Telegram chat id (digits, optional leading minus)"
        ) from exc


def describe(exc: ValidationError) -> str:
    """Field paths and messages only: pydantic's default text would echo the input back."""
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in err["loc"]) or "body"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
