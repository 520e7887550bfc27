"""The fake Telegram: the Bot API at `/bot<token>/<method>`, files at `/file/bot<token>/<path>`,
and a user who writes to the bot, whose messages reach the webhook as Telegram's updates.

Like Telegram, `sendPhoto` with a URL downloads the photo before answering, so a dead or
expired link fails the call. Every accepted token reaches the same bot (one webhook, one update
queue, one file store); getMe answers with the id the token starts with. Control for tests:
`fail_next` (500 or 429 with `retry_after`), `known_chats` / `blocked_chats`, the ledger `sent`
of what reached a chat, `calls`, and the user's `user_sends_*`. The same control is reachable
over HTTP under `/_fake/` (see `control`) when the fake runs as a process.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tools.fakes.telegram import bot_methods, control, users
from tools.fakes.telegram.files import FileStore, StoredFile
from tools.fakes.telegram.methods import send_chat_action, send_document, send_message, send_photo
from tools.fakes.telegram.objects import bot_user, chat
from tools.fakes.telegram.protocol import BotApiError, not_found, ok, read_params
from tools.fakes.telegram.records import Call, SentMessage
from tools.fakes.telegram.updates import UpdateLog
from tools.fakes.telegram.webhook import RetryPolicy, WebhookSender

DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForLocalRuns0000"  # noqa: S105 (the fake's own)

Handler = Callable[["FakeTelegram", str, dict[str, Any]], Any]
# Bot API method names are case-insensitive.
_BOT_METHODS: dict[str, Handler] = {
    "getme": bot_methods.get_me,
    "setwebhook": bot_methods.set_webhook,
    "deletewebhook": bot_methods.delete_webhook,
    "getwebhookinfo": bot_methods.get_webhook_info,
    "getfile": bot_methods.get_file,
    "getupdates": bot_methods.get_updates,
}
_SEND_METHODS: dict[str, Callable[..., Any]] = {
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "senddocument": send_document,
}


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    method: str | None


@dataclass
class FakeTelegram:
    tokens: frozenset[str] = frozenset({DEFAULT_TOKEN})
    known_chats: frozenset[str] | None = None  # None: every numeric chat id exists
    blocked_chats: frozenset[str] = frozenset()
    photo_timeout: float = 10.0
    bot_username: str = "calendary_kaizen_bot"
    bot_name: str = "Calendary Kaizen"
    webhook_retries: RetryPolicy = field(default_factory=RetryPolicy)
    sent: list[SentMessage] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._ids = itertools.count(1)
        self.files = FileStore()
        self.updates = UpdateLog()
        self.sender = WebhookSender(self.updates, self.webhook_retries)
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._bot_method, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._download, methods=["GET"]),
                *control.routes(self),
            ],
            lifespan=self._lifespan,
        )

    # Control.

    def fail_next(
        self,
        count: int,
        status: int = 500,
        retry_after: int | None = None,
        method: str | None = None,
    ) -> None:
        """The next `count` calls with a valid token (of `method` only, if given) answer `status`
        (429 with `retry_after`)."""
        with self._lock:
            self._faults.extend(_Fault(status, retry_after, method) for _ in range(count))

    def sent_to(self, chat_id: str) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.sent if m.chat_id == chat_id]

    def calls_to(self, chat_id: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.chat_id == chat_id]

    def sent_message(self, message_id: int) -> SentMessage | None:
        with self._lock:
            return next((m for m in self.sent if m.message_id == message_id), None)

    def next_message_id(self) -> int:
        return next(self._ids)

    def add_file(self, content: bytes, file_path: str, mime_type: str | None = None) -> StoredFile:
        """Make `content` downloadable at `/file/bot<token>/<file_path>` (and by its file_id)."""
        return self.files.add(content, file_path=file_path, mime_type=mime_type)

    def bot(self, token: str | None = None) -> dict[str, Any]:
        """The bot's `User`, as getMe answers it for `token` (the first accepted by default)."""
        return bot_user(token or sorted(self.tokens)[0], self.bot_username, self.bot_name)

    def wait_delivered(self, timeout: float = 10.0) -> None:
        """Until no update waits for the webhook (delivered, failed or dropped); TimeoutError."""
        self.updates.wait_until_idle(timeout)

    def close(self) -> None:
        """Stop the webhook sender (it starts again with the next setWebhook)."""
        self.sender.stop()

    # The user: each call returns the updates it queued for the webhook.

    def user_sends_photo(
        self,
        chat_id: int,
        image_bytes: bytes,
        caption: str | None = None,
        media_group_id: str | None = None,
        *,
        from_id: int | None = None,
    ) -> dict[str, Any]:
        message = users.photo_message(
            self, int(chat_id), image_bytes, caption, media_group_id, from_id
        )
        return self._queue(message)

    def user_sends_album(
        self,
        chat_id: int,
        images: list[bytes],
        caption: str | None = None,
        *,
        from_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """One update per photo, sharing a `media_group_id`; the caption goes with the first."""
        group = users.new_media_group_id()
        return [
            self.user_sends_photo(
                chat_id, image, caption if i == 0 else None, group, from_id=from_id
            )
            for i, image in enumerate(images)
        ]

    def user_sends_document(
        self,
        chat_id: int,
        content: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        *,
        from_id: int | None = None,
    ) -> dict[str, Any]:
        message = users.document_message(
            self, int(chat_id), content, file_name, mime_type, caption, from_id
        )
        return self._queue(message)

    def user_sends_text(
        self, chat_id: int, text: str, *, from_id: int | None = None
    ) -> dict[str, Any]:
        return self._queue(users.text_message(self, int(chat_id), text, from_id))

    def _queue(self, message: dict[str, Any]) -> dict[str, Any]:
        record = self.updates.add("message", message, message["chat"]["id"])
        return record.update

    # The Bot API.

    async def _bot_method(self, request: Request) -> JSONResponse:
        token = request.path_params["token"]
        if token not in self.tokens:
            return BotApiError(401, "Unauthorized").response()
        name = request.path_params["method"]
        chat_id = ""
        try:
            params = await read_params(request)
            chat_id = str(params.get("chat_id", ""))
            self._raise_fault(name)
            key = name.lower()
            if key in _SEND_METHODS:
                message = await _maybe_await(_SEND_METHODS[key](self, chat_id, params))
                self._record(Call(name, chat_id, 200), message)
                return ok(self._message_json(message, token))
            if key == "sendchataction":
                send_chat_action(self, chat_id, params)
                self._record(Call(name, chat_id, 200))
                return ok(True)
            if key not in _BOT_METHODS:
                raise not_found()
            result, description = await _maybe_await(_BOT_METHODS[key](self, token, params))
        except BotApiError as error:
            self._record(Call(name, chat_id, error.status))
            return error.response()
        self._record(Call(name, chat_id, 200))
        return ok(result, description)

    def _raise_fault(self, method: str) -> None:
        with self._lock:
            index = next(
                (
                    i
                    for i, f in enumerate(self._faults)
                    if f.method is None or f.method.lower() == method.lower()
                ),
                None,
            )
            fault = self._faults.pop(index) if index is not None else None
        if fault is not None:
            description = (
                f"Too Many Requests: retry after {fault.retry_after}"
                if fault.status == 429
                else "Internal Server Error"
            )
            raise BotApiError(fault.status, description, fault.retry_after)

    def _message_json(self, message: SentMessage, token: str) -> dict[str, Any]:
        """The `Message` Telegram answers a successful send with."""
        chat_id = int(message.chat_id)
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "from": bot_user(token, self.bot_username, self.bot_name),
            "chat": chat(chat_id),
            "date": int(time.time()),
            **message.result,
        }
        if message.method == "sendMessage":
            body["text"] = message.text
        elif message.caption:
            body["caption"] = message.caption
        return body

    def _record(self, call: Call, message: SentMessage | None = None) -> None:
        with self._lock:
            self.calls.append(call)
            if message is not None:
                self.sent.append(message)

    async def _download(self, request: Request) -> Response:
        # An unknown token answers like an unknown path: nothing tells which part was wrong.
        stored = self.files.at(request.path_params["file_path"])
        if request.path_params["token"] not in self.tokens or stored is None:
            return not_found().response()
        return Response(stored.content, media_type=stored.mime_type)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        yield
        self.close()


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value
