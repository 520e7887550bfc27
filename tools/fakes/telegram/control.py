"""`/_fake/`: the fake's control over HTTP, for a fake running as a process.

The user writes to the bot (`POST /_fake/users/{chat_id}/photo|album|document|text`, each
answering the updates it queued), the ledger shows what the bot sent (`GET /_fake/sent`, the
bytes at `GET /_fake/sent/{message_id}/photo`), `GET /_fake/updates` shows every update's
delivery, and `POST /_fake/faults` makes the next Bot API calls fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tools.fakes.telegram.bot import Steerable
from tools.fakes.telegram.files import NotAnImage
from tools.fakes.telegram.forms import FormError, UploadedFile, parse_multipart


def routes(fake: Steerable) -> list[Route]:
    async def sent(request: Request) -> JSONResponse:
        chat_id = request.query_params.get("chat_id")
        messages = fake.sent_to(chat_id) if chat_id is not None else list(fake.sent)
        return JSONResponse({"sent": [m.ledger_json() for m in messages]})

    async def sent_content(request: Request) -> Response:
        message = fake.sent_message(request.path_params["message_id"])
        if message is None or not message.content:
            return _problem(404, "no file was sent in that message")
        return Response(message.content, media_type=message.mime_type or None)

    async def faults(request: Request) -> JSONResponse:
        body = await request.json()
        fake.fail_next(
            int(body["count"]),
            int(body.get("status", 500)),
            body.get("retryAfter"),
            body.get("method"),
        )
        return JSONResponse({"ok": True})

    async def updates(request: Request) -> JSONResponse:
        return JSONResponse(
            {"webhook": fake.updates.info_json(), "updates": fake.updates.snapshot()}
        )

    async def user_photo(request: Request) -> JSONResponse:
        chat_id, query = request.path_params["chat_id"], request.query_params
        fields, files = await _upload(request)
        if len(files) != 1:
            return _problem(400, "send one image: the raw body or one multipart file")
        caption = query.get("caption") or fields.get("caption")
        group = query.get("media_group_id") or fields.get("media_group_id")
        return _answer(lambda: [fake.user_sends_photo(chat_id, files[0].content, caption, group)])

    async def user_album(request: Request) -> JSONResponse:
        chat_id = request.path_params["chat_id"]
        fields, files = await _upload(request)
        if len(files) < 2:
            return _problem(400, "an album needs at least two multipart files")
        caption = request.query_params.get("caption") or fields.get("caption")
        return _answer(lambda: fake.user_sends_album(chat_id, [f.content for f in files], caption))

    async def user_document(request: Request) -> JSONResponse:
        chat_id, query = request.path_params["chat_id"], request.query_params
        fields, files = await _upload(request)
        if len(files) != 1:
            return _problem(400, "send one file: the raw body or one multipart file")
        name = query.get("file_name") or fields.get("file_name") or files[0].filename
        mime = query.get("mime_type") or fields.get("mime_type") or files[0].content_type
        caption = query.get("caption") or fields.get("caption")
        return _answer(
            lambda: [fake.user_sends_document(chat_id, files[0].content, name, mime, caption)]
        )

    async def user_text(request: Request) -> JSONResponse:
        body = await request.json()
        if not isinstance(body, dict) or not str(body.get("text") or "").strip():
            return _problem(400, 'send {"text": "..."}')
        return _answer(lambda: [fake.user_sends_text(request.path_params["chat_id"], body["text"])])

    user = "/_fake/users/{chat_id:int}"
    return [
        Route("/_fake/sent", sent, methods=["GET"]),
        Route("/_fake/sent/{message_id:int}/photo", sent_content, methods=["GET"]),
        Route("/_fake/sent/{message_id:int}/document", sent_content, methods=["GET"]),
        Route("/_fake/faults", faults, methods=["POST"]),
        Route("/_fake/updates", updates, methods=["GET"]),
        Route(f"{user}/photo", user_photo, methods=["POST"]),
        Route(f"{user}/album", user_album, methods=["POST"]),
        Route(f"{user}/document", user_document, methods=["POST"]),
        Route(f"{user}/text", user_text, methods=["POST"]),
    ]


async def _upload(request: Request) -> tuple[dict[str, str], list[UploadedFile]]:
    """Multipart fields and files, or the raw body as the one file."""
    content_type = request.headers.get("content-type", "application/octet-stream")
    body = await request.body()
    if not content_type.startswith("multipart/form-data"):
        return {}, [UploadedFile("file", content_type, body)] if body else []
    try:
        parts = parse_multipart(content_type, body)
    except FormError:
        return {}, []
    fields = {name: value for name, value in parts if isinstance(value, str)}
    return fields, [value for _, value in parts if isinstance(value, UploadedFile)]


def _answer(act: Callable[[], list[dict[str, Any]]]) -> JSONResponse:
    try:
        updates = act()
    except NotAnImage:
        return _problem(400, "not an image Pillow can read")
    return JSONResponse({"update_ids": [u["update_id"] for u in updates], "updates": updates})


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"error": detail}, status_code=status)
