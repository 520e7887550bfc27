"""Posts updates to the webhook one at a time, in order, as Telegram does: the secret in
`X-Telegram-Bot-Api-Secret-Token`, any 2xx accepted, other answers and no answer retried a few
times with a growing pause, then given up. Nothing is logged: the URL is the receiver's secret."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import httpx

from tools.fakes.telegram.updates import (
    DELIVERED,
    FAILED,
    FILTERED,
    PENDING,
    UpdateLog,
    UpdateRecord,
)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_delay: float = 0.2  # seconds; doubles after each failure
    max_delay: float = 2.0
    timeout: float = 30.0  # n8n answers once the trigger ran, which may download the file first


class WebhookSender:
    def __init__(self, log: UpdateLog, policy: RetryPolicy) -> None:
        self._log = log
        self.policy = policy
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def ensure_running(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(
                    target=self._run, name="fake-telegram-webhook", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        with self._log.changed:
            self._log.changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.timeout + 1)
            self._thread = None

    def _run(self) -> None:
        with httpx.Client(timeout=self.policy.timeout) as client:
            while True:
                with self._log.changed:
                    self._log.changed.wait_for(self._ready)
                    if self._stopping.is_set():
                        return
                    record = self._log.next_pending()
                    webhook = self._log.webhook
                if record is None or webhook is None:
                    continue
                if webhook.allowed_updates and record.kind not in webhook.allowed_updates:
                    self._log.finish(record, FILTERED)
                    continue
                self._log.finish(record, self._deliver(client, record))

    def _ready(self) -> bool:
        if self._stopping.is_set():
            return True
        return self._log.webhook is not None and any(r.state == PENDING for r in self._log.records)

    def _deliver(self, client: httpx.Client, record: UpdateRecord) -> str:
        delay = self.policy.first_delay
        for attempt in range(self.policy.attempts):
            webhook = self._log.webhook
            if webhook is None or self._stopping.is_set():
                return PENDING  # deleted meanwhile: it waits for the next webhook
            headers = {"Content-Type": "application/json"}
            if webhook.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
            try:
                answer = client.post(webhook.url, json=record.update, headers=headers)
            except httpx.HTTPError as error:
                self._log.attempted(record, None, f"Connection failed: {type(error).__name__}")
            else:
                self._log.attempted(record, answer.status_code, "")
                if answer.is_success:
                    return DELIVERED
            if attempt + 1 < self.policy.attempts and self._stopping.wait(delay):
                return PENDING
            delay = min(delay * 2, self.policy.max_delay)
        return FAILED
