"""Signed webhook delivery: Standard Webhooks headers, retries of the terminal message, faults."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from tools.fakes.replicate.config import FakeConfig
from tools.fakes.replicate.faults import Faults
from tools.fakes.replicate.jobs import Job
from tools.fakes.replicate.ledger import Ledger


@dataclass(frozen=True)
class Message:
    webhook_id: str
    event: str
    job_status: str
    body: bytes
    terminal: bool


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


class WebhookSender:
    def __init__(
        self,
        config: Callable[[], FakeConfig],
        faults: Faults,
        ledger: Ledger,
        http: Callable[[], httpx.AsyncClient],
    ) -> None:
        self._config = config
        self._faults = faults
        self._ledger = ledger
        self._http = http
        self._chains: dict[str, asyncio.Task[None]] = {}
        self._deferred: dict[str, list[Message]] = {}
        self._stale: dict[str, Message] = {}
        self._last_logs: dict[str, float] = {}

    def emit(self, job: Job, event: str) -> None:
        """Queue the job's current state as `event`; one job's messages leave in order."""
        if job.webhook is None:
            return
        if event == "logs" and self._throttled(job.id):
            return
        message = Message(
            "msg_" + secrets.token_urlsafe(18),
            event,
            job.status,
            job.body_bytes(),
            event == "completed",
        )
        if job.reorder_webhooks and not message.terminal:
            self._stale.setdefault(job.id, message)
            if event in job.events:
                self._deferred.setdefault(job.id, []).append(message)
            return
        if event not in job.events:
            return
        batch = [message]
        if job.reorder_webhooks:
            later = self._deferred.pop(job.id, [])
            stale = self._stale.pop(job.id, None)
            batch += later or ([stale] if stale is not None else [])
        previous = self._chains.get(job.id)
        self._chains[job.id] = asyncio.create_task(self._send_after(previous, job, batch))

    def _throttled(self, job_id: str) -> bool:
        now = time.monotonic()
        last = self._last_logs.get(job_id)
        if last is not None and now - last < self._config().event_interval:
            return True
        self._last_logs[job_id] = now
        return False

    def busy(self) -> bool:
        return any(not task.done() for task in list(self._chains.values()))

    async def drain(self) -> None:
        """Wait for every queued message (used on shutdown and by tests)."""
        while self._chains:
            tasks = list(self._chains.values())
            await asyncio.gather(*tasks, return_exceptions=True)
            for key, task in list(self._chains.items()):
                if task.done():
                    del self._chains[key]

    async def _send_after(
        self, previous: asyncio.Task[None] | None, job: Job, batch: list[Message]
    ) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        for message in batch:
            await self._deliver(job, message)

    async def _deliver(self, job: Job, message: Message) -> None:
        faults = self._faults.take_webhook(job.kind, message.event)
        modes = {fault.mode for fault in faults}
        common = {
            "job_id": job.id,
            "url": job.webhook,
            "webhook_id": message.webhook_id,
            "event": message.event,
            "job_status": message.job_status,
        }
        if "drop" in modes:
            self._ledger.record(type="webhook", outcome="dropped", fault="drop", **common)
            return
        delay = sum(fault.delay for fault in faults if fault.mode == "delay")
        if delay:
            await asyncio.sleep(delay)
        fault = "delay" if delay else None
        await self._post(job, message, common, fault)
        if "duplicate" in modes:
            await self._post(job, message, common, "duplicate")

    async def _post(self, job: Job, message: Message, common: dict, fault: str | None) -> bool:
        config = self._config()
        delays = config.webhook_retry_delays if message.terminal else ()
        assert job.webhook is not None
        for attempt in range(1, len(delays) + 2):
            stamp = int(time.time())
            headers = {
                "content-type": "application/json",
                "user-agent": "Replicate-Webhooks/fake",
                "webhook-id": message.webhook_id,
                "webhook-timestamp": str(stamp),
                "webhook-signature": sign(
                    config.webhook_secret, message.webhook_id, stamp, message.body
                ),
            }
            status: int | None = None
            error: str | None = None
            try:
                response = await self._http().post(
                    job.webhook,
                    content=message.body,
                    headers=headers,
                    timeout=config.webhook_timeout,
                    follow_redirects=False,  # Replicate does not follow redirects
                )
                status = response.status_code
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            ok = status is not None and 200 <= status < 300
            self._ledger.record(
                type="webhook",
                status=status,
                error=error,
                attempt=attempt,
                outcome="delivered" if ok else "failed",
                fault=fault,
                **common,
            )
            if ok:
                return True
            if attempt <= len(delays):
                await asyncio.sleep(delays[attempt - 1])
        return False
