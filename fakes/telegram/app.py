"""The fake Bot API: `/bot<token>/<method>`, Telegram's `{ok, result | error_code, description}`.

Like Telegram, `sendPhoto` with a URL downloads the photo before answering, so a dead or
expired link fails the call. Control for tests: `fail_next` (500 or 429 with `retry_after`),
`known_chats` / `blocked_chats`, and the ledger `sent` of what reached a chat. The same control
is reachable over HTTP under `/_fake/` when the fake runs as a process.

The method checks live in `methods`, the wire format in `protocol`, the ledger records in `records`.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fakes.telegram.methods import send_message, send_photo
from fakes.telegram.protocol import BotApiError, message_json, read_params
from fakes.telegram.records import Call, SentMessage

DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForLocalRuns0000"  # noqa: S105 (the fake's own)


@dataclass
class _Fault:
    status: int
    retry_after: int | None


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

    def next_message_id(self) -> int:
        return next(self._ids)

    # The Bot API.

    async def _bot_method(self, request: Request) -> JSONResponse:
        if request.path_params["token"] not in self.tokens:
            return BotApiError(401, "Unauthorized").response()
        method = request.path_params["method"]
        params = await read_params(request)
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
                message = send_message(self, chat_id, params)
            elif method == "sendPhoto":
                message = await send_photo(self, chat_id, params)
            else:
                raise BotApiError(404, "Not Found")
        except BotApiError as error:
            self._record(Call(method, chat_id, error.status))
            return error.response()
        self._record(Call(method, chat_id, 200), message)
        return JSONResponse({"ok": True, "result": message_json(message)})

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
