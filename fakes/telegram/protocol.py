"""The Bot API wire format: parameters in, `{ok, result}` or `{ok, error_code, description}` out."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from fakes.telegram.records import SentMessage


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


async def read_params(request: Request) -> dict[str, Any]:
    """Parameters from the query string, JSON or an urlencoded form (Telegram takes all three)."""
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        elif content_type.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl((await request.body()).decode("utf-8")))
    return params


def message_json(message: SentMessage) -> dict[str, Any]:
    """The `Message` object Telegram answers a successful send with."""
    chat_id = int(message.chat_id)
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
    }
    if message.method == "sendPhoto" and message.photo_size:
        width, height = message.photo_size
        body["photo"] = [photo_size(message.message_id, width, height)]
        if message.caption:
            body["caption"] = message.caption
    else:
        body["text"] = message.text
    return body


def photo_size(message_id: int, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": f"fake-photo-{message_id}",
        "file_unique_id": f"fake-unique-{message_id}",
        "width": width,
        "height": height,
    }
