"""The bot's updates in order, each with its delivery state, and the webhook they go to.

Like Telegram, updates wait while no webhook is set (`getUpdates` can take them then), are
delivered in order once one is, and are dropped on request (`drop_pending_updates`).
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

PENDING, DELIVERING, DELIVERED, FAILED, DROPPED, FILTERED = (
    "pending",
    "delivering",
    "delivered",
    "failed",  # every attempt failed: Telegram gives up after a number of tries
    "dropped",  # drop_pending_updates
    "filtered",  # not in the webhook's allowed_updates
)
WAITING = (PENDING, DELIVERING)


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_token: str = field(default="", repr=False)
    allowed_updates: tuple[str, ...] = ()  # empty: every kind
    max_connections: int = 40

    def info_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "max_connections": self.max_connections,
            "ip_address": "127.0.0.1",
        }
        if self.allowed_updates:
            body["allowed_updates"] = list(self.allowed_updates)
        return body


@dataclass(frozen=True)
class Attempt:
    at: float
    status: int | None  # None: no answer (refused, timed out)
    error: str = ""


@dataclass
class UpdateRecord:
    update: dict[str, Any]
    chat_id: int
    state: str = PENDING
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def kind(self) -> str:
        return next(k for k in self.update if k != "update_id")

    def to_json(self) -> dict[str, Any]:
        return {
            "update_id": self.update_id,
            "chat_id": self.chat_id,
            "kind": self.kind,
            "state": self.state,
            "attempts": [{"at": a.at, "status": a.status, "error": a.error} for a in self.attempts],
            "update": self.update,
        }


class UpdateLog:
    """Thread-safe: the Bot API handlers, the user actions and the webhook sender share it."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.records: list[UpdateRecord] = []
        self.webhook: Webhook | None = None
        self.last_error: tuple[int, str] | None = None
        self._ids = itertools.count(1)

    def add(self, kind: str, body: dict[str, Any], chat_id: int) -> UpdateRecord:
        with self.changed:
            record = UpdateRecord({"update_id": next(self._ids), kind: body}, chat_id)
            self.records.append(record)
            self.changed.notify_all()
            return record

    def set_webhook(self, webhook: Webhook | None, drop_pending: bool = False) -> None:
        with self.changed:
            self.webhook = webhook
            self.last_error = None
            if drop_pending:
                for record in self.records:
                    if record.state == PENDING:
                        record.state = DROPPED
            self.changed.notify_all()

    def next_pending(self) -> UpdateRecord | None:
        """The oldest waiting update, marked as being delivered (call it holding `changed`)."""
        record = next((r for r in self.records if r.state == PENDING), None)
        if record is not None:
            record.state = DELIVERING
        return record

    def finish(self, record: UpdateRecord, state: str) -> None:
        with self.changed:
            record.state = state
            self.changed.notify_all()

    def attempted(self, record: UpdateRecord, status: int | None, error: str) -> None:
        with self.changed:
            record.attempts.append(Attempt(time.time(), status, error))
            if status is None or not 200 <= status < 300:
                self.last_error = (
                    int(time.time()),
                    error or f"Wrong response from the webhook: {status}",
                )

    def pending_count(self) -> int:
        with self.changed:
            return sum(r.state in WAITING for r in self.records)

    def info_json(self) -> dict[str, Any]:
        """getWebhookInfo's `WebhookInfo`."""
        with self.changed:
            body = (
                self.webhook.info_json()
                if self.webhook
                else {"url": "", "has_custom_certificate": False}
            )
            body["pending_update_count"] = sum(r.state in WAITING for r in self.records)
            if self.webhook and self.last_error:
                body["last_error_date"], body["last_error_message"] = self.last_error
            return body

    def take(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """getUpdates: confirm the updates before `offset`, answer the pending ones from it."""
        with self.changed:
            for record in self.records:
                if record.update_id < offset and record.state == PENDING:
                    record.state = DELIVERED
            waiting = [r for r in self.records if r.state == PENDING and r.update_id >= offset]
            return [r.update for r in waiting[:limit]]

    def wait_until_idle(self, timeout: float) -> None:
        """Until no update waits for delivery; TimeoutError otherwise."""
        with self.changed:
            idle = self.changed.wait_for(
                lambda: not any(r.state in WAITING for r in self.records), timeout
            )
        if not idle:
            raise TimeoutError("updates still wait for delivery")

    def snapshot(self) -> list[dict[str, Any]]:
        with self.changed:
            return [r.to_json() for r in self.records]
