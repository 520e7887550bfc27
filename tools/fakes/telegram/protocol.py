"""The Bot API wire format: parameters in, `{ok, result}` or `{ok, error_code, description}` out."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from tools.fakes.telegram.forms import FormError, parse_multipart


class BotApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        headers = {}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
            headers["Retry-After"] = str(self.retry_after)
        return JSONResponse(body, status_code=self.status, headers=headers)


def not_found() -> BotApiError:
    return BotApiError(404, "Not Found")


def ok(result: Any, description: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": True, "result": result}
    if description is not None:
        body["description"] = description
    return JSONResponse(body)


async def read_params(request: Request) -> dict[str, Any]:
    """Parameters from the query string, JSON, an urlencoded form or a multipart form (Telegram
    takes all four); multipart file parts come as `UploadedFile`."""
    params: dict[str, Any] = dict(request.query_params)
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if not body:  # n8n posts getWebhookInfo and deleteWebhook without a body
        return params
    if content_type.startswith("application/json"):
        try:
            decoded = json.loads(body)
        except ValueError:
            raise BotApiError(400, "Bad Request: can't parse JSON object") from None
        if isinstance(decoded, dict):
            params.update(decoded)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode("utf-8")))
    elif content_type.startswith("multipart/form-data"):
        try:
            params.update(parse_multipart(content_type, body))
        except FormError:
            raise BotApiError(400, "Bad Request: can't parse multipart form") from None
    return params


def json_param(value: Any) -> Any:
    """A structured parameter (`allowed_updates`, `reply_markup`) arrives as JSON text in forms."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise BotApiError(400, "Bad Request: can't parse JSON parameter") from None
    return value


def flag(value: Any) -> bool:
    return value is True or str(value).lower() in {"true", "1"}
