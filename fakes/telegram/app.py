"""The fake Bot API: `/bot<token>/<method>`, Telegram's `{ok, result | error_code, description}`.

Like Telegram, `sendPhoto` with a URL downloads the photo before answering, so a dead or
expired link fails the call. Control for tests: `fail_next` (500 or 429 with `retry_after`),
`known_chats` / `blocked_chats`, and the ledger `sent` of what reached a chat. The same control
is reachable over HTTP under `/_fake/` when the fake runs as a process.
"""

from __future__ import annotations

import io
import itertools
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from PIL import Image, UnidentifiedImageError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForLocalRuns0000"  # noqa: S105 (the fake's own)
MAX_PHOTO_BYTES = 5 * 1024 * 1024  # photos sent by URL
MAX_TEXT = 4096
MAX_CAPTION = 1024


@dataclass(frozen=True)
class SentMessage:
    method: str
    chat_id: str
    message_id: int
    text: str = ""
    caption: str = ""
    photo_url: str = ""
    photo_size: tuple[int, int] | None = None


@dataclass(frozen=True)
class Call:
    """Every request that carried a valid token, answered or not."""

    method: str
    chat_id: str
    status: int


@dataclass
class _Fault:
    status: int
    retry_after: int | None


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


@dataclass
class FakeTelegram:
    tokens: frozenset[str] = frozenset({DEFAULT_TOKEN})
    known_chats: frozenset[str] | None = None  # None: every numeric chat id exists
    blocked_chats: frozenset[str] = frozenset()
    photo_timeout: float = 10.0
    sent: list[SentMessage] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._ids = itertools.count(1)
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._bot_method, methods=["GET", "POST"]),
                Route("/_fake/sent", self._ledger, methods=["GET"]),
                Route("/_fake/faults", self._add_faults, methods=["POST"]),
            ]
        )

    # Control.

    def fail_next(self, count: int, status: int = 500, retry_after: int | None = None) -> None:
        """The next `count` calls with a valid token answer `status` (429 with `retry_after`)."""
        with self._lock:
            self._faults.extend(_Fault(status, retry_after) for _ in range(count))

    def sent_to(self, chat_id: str) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.sent if m.chat_id == chat_id]

    def calls_to(self, chat_id: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.chat_id == chat_id]

    # The Bot API.

    async def _bot_method(self, request: Request) -> JSONResponse:
        if request.path_params["token"] not in self.tokens:
            return BotApiError(401, "Unauthorized").response()
        method = request.path_params["method"]
        params = await _params(request)
        chat_id = str(params.get("chat_id", ""))
        try:
            with self._lock:
                fault = self._faults.pop(0) if self._faults else None
            if fault is not None:
                description = (
                    f"Too Many Requests: retry after {fault.retry_after}"
                    if fault.status == 429
                    else "Internal Server Error"
                )
                raise BotApiError(fault.status, description, fault.retry_after)
            if method == "sendMessage":
                message = self._send_message(chat_id, params)
            elif method == "sendPhoto":
                message = await self._send_photo(chat_id, params)
            else:
                raise BotApiError(404, "Not Found")
        except BotApiError as error:
            self._record(Call(method, chat_id, error.status))
            return error.response()
        self._record(Call(method, chat_id, 200), message)
        return JSONResponse({"ok": True, "result": _message_json(message)})

    def _check_chat(self, chat_id: str) -> None:
        if not chat_id:
            raise BotApiError(400, "Bad Request: chat_id is empty")
        exists = chat_id.lstrip("-").isdigit() and (
            self.known_chats is None or chat_id in self.known_chats
        )
        if not exists:
            raise BotApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked_chats:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")

    def _send_message(self, chat_id: str, params: dict[str, Any]) -> SentMessage:
        self._check_chat(chat_id)
        text = str(params.get("text") or "")
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise BotApiError(400, "Bad Request: message is too long")
        return SentMessage("sendMessage", chat_id, next(self._ids), text=text)

    async def _send_photo(self, chat_id: str, params: dict[str, Any]) -> SentMessage:
        self._check_chat(chat_id)
        photo = str(params.get("photo") or "")
        caption = str(params.get("caption") or "")
        if not photo:
            raise BotApiError(400, "Bad Request: there is no photo in the request")
        if len(caption) > MAX_CAPTION:
            raise BotApiError(400, "Bad Request: message caption is too long")
        if not photo.startswith(("http://", "https://")):
            raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        size = await self._download_photo(photo)
        return SentMessage(
            "sendPhoto", chat_id, next(self._ids), caption=caption, photo_url=photo, photo_size=size
        )

    async def _download_photo(self, url: str) -> tuple[int, int]:
        try:
            async with httpx.AsyncClient(timeout=self.photo_timeout) as client:
                response = await client.get(url)
        except httpx.HTTPError:
            raise BotApiError(400, "Bad Request: failed to get HTTP URL content") from None
        if response.status_code != 200 or len(response.content) > MAX_PHOTO_BYTES:
            raise BotApiError(400, "Bad Request: failed to get HTTP URL content")
        try:
            with Image.open(io.BytesIO(response.content)) as image:
                return image.size
        except UnidentifiedImageError:
            raise BotApiError(400, "Bad Request: wrong type of the web page content") from None

    def _record(self, call: Call, message: SentMessage | None = None) -> None:
        with self._lock:
            self.calls.append(call)
            if message is not None:
                self.sent.append(message)

    # HTTP control.

    async def _ledger(self, request: Request) -> JSONResponse:
        with self._lock:
            return JSONResponse({"sent": [asdict(m) for m in self.sent]})

    async def _add_faults(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.fail_next(int(body["count"]), int(body.get("status", 500)), body.get("retryAfter"))
        return JSONResponse({"ok": True})


async def _params(request: Request) -> dict[str, Any]:
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


def _message_json(message: SentMessage) -> dict[str, Any]:
    chat_id = int(message.chat_id)
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
    }
    if message.method == "sendPhoto" and message.photo_size:
        width, height = message.photo_size
        body["photo"] = [_photo_size(message.message_id, width, height)]
        if message.caption:
            body["caption"] = message.caption
    else:
        body["text"] = message.text
    return body


def _photo_size(message_id: int, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": f"fake-photo-{message_id}",
        "file_unique_id": f"fake-unique-{message_id}",
        "width": width,
        "height": height,
    }
