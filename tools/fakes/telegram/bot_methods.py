"""The bot's own methods: `getMe`, the webhook (`setWebhook`, `deleteWebhook`,
`getWebhookInfo`), `getUpdates` and `getFile`. Each returns the `result` and, where Telegram
gives one, a description."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any
from urllib.parse import urlsplit

from tools.fakes.telegram.bot import Bot
from tools.fakes.telegram.objects import bot_user
from tools.fakes.telegram.protocol import BotApiError, flag, json_param
from tools.fakes.telegram.updates import Webhook

Answer = tuple[Any, str | None]
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_POLL_SECONDS = 50


def get_me(fake: Bot, token: str, params: dict[str, Any]) -> Answer:
    return bot_user(token, fake.bot_username, fake.bot_name), None


def set_webhook(fake: Bot, token: str, params: dict[str, Any]) -> Answer:
    url = str(params.get("url") or "")
    drop = flag(params.get("drop_pending_updates"))
    if not url:
        return delete_webhook(fake, token, params)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        # Telegram wants https on 443/80/88/8443; a local fake takes any http(s) URL.
        raise BotApiError(400, "Bad Request: invalid webhook URL specified")
    secret = str(params.get("secret_token") or "")
    if secret and not _SECRET.fullmatch(secret):
        raise BotApiError(400, "Bad Request: secret token contains unallowed characters")
    allowed = json_param(params.get("allowed_updates") or [])
    if not isinstance(allowed, list):
        raise BotApiError(400, "Bad Request: can't parse allowed updates")
    connections = int(params.get("max_connections") or 40)
    webhook = Webhook(url, secret, tuple(str(a) for a in allowed), connections)
    if fake.updates.webhook == webhook and not drop:
        return True, "Webhook is already set"
    fake.updates.set_webhook(webhook, drop_pending=drop)
    fake.sender.ensure_running()
    return True, "Webhook was set"


def delete_webhook(fake: Bot, token: str, params: dict[str, Any]) -> Answer:
    had = fake.updates.webhook is not None
    fake.updates.set_webhook(None, drop_pending=flag(params.get("drop_pending_updates")))
    return True, "Webhook was deleted" if had else "Webhook is already deleted"


def get_webhook_info(fake: Bot, token: str, params: dict[str, Any]) -> Answer:
    return fake.updates.info_json(), None


def get_file(fake: Bot, token: str, params: dict[str, Any]) -> Answer:
    file_id = str(params.get("file_id") or "")
    if not file_id:
        raise BotApiError(400, "Bad Request: file_id is empty")
    stored = fake.files.get(file_id)
    if stored is None:
        raise BotApiError(400, "Bad Request: invalid file_id")
    return stored.file_json(), None


async def get_updates(fake: Bot, token: str, params: dict[str, Any]) -> Answer:
    """Long polling: answers as soon as an update waits, or after `timeout` seconds."""
    if fake.updates.webhook is not None:
        raise BotApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = int(params.get("offset") or 0)
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    deadline = time.monotonic() + min(float(params.get("timeout") or 0), MAX_POLL_SECONDS)
    while True:
        updates = fake.updates.take(offset, limit)
        if updates or time.monotonic() >= deadline:
            return updates, None
        await asyncio.sleep(0.05)
