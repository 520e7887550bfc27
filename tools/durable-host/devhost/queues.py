"""Queue triggers on Storage queues (Azurite locally), with the host's retry and poison rules."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import re
import time
import uuid
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.functions.queue import QueueMessage
from azure.storage.queue.aio import QueueClient

from devhost.invoke import InvocationContext
from devhost.loader import QueueFunction

log = logging.getLogger("devhost")
LEASE_SECONDS = 600  # how long a message stays invisible while its function runs


@dataclass(frozen=True)
class QueueOptions:
    """`extensions.queues` of host.json, with the Functions host's defaults."""

    message_encoding: str = "base64"
    max_dequeue_count: int = 5
    visibility_timeout: float = 0.0
    batch_size: int = 16
    max_polling_interval: float = 1.0  # the real default is 1 minute; locally we stay snappy

    @classmethod
    def from_host_json(cls, config: dict[str, Any]) -> QueueOptions:
        queues = config.get("extensions", {}).get("queues", {})
        defaults = cls()
        return cls(
            message_encoding=str(queues.get("messageEncoding", defaults.message_encoding)).lower(),
            max_dequeue_count=int(queues.get("maxDequeueCount", defaults.max_dequeue_count)),
            visibility_timeout=_timespan(queues.get("visibilityTimeout"), 0.0),
            batch_size=min(32, int(queues.get("batchSize", defaults.batch_size))),
            max_polling_interval=_timespan(queues.get("maxPollingInterval"), 1.0),
        )


def _timespan(value: Any, default: float) -> float:
    """.NET TimeSpan text (`[d.]hh:mm:ss[.fff]`) or milliseconds, in seconds."""
    if value is None:
        return default
    if isinstance(value, int | float):
        return float(value) / 1000
    match = re.fullmatch(r"(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)", str(value))
    if not match:
        raise ValueError(f"not a TimeSpan: {value!r}")
    days, hours, minutes, seconds = match.groups()
    return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def resolve_setting_refs(text: str) -> str:
    """`%Name%` parts of a binding property come from app settings (the environment)."""

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise KeyError(f"app setting '{name}' is not set")
        return os.environ[name]

    return re.sub(r"%([^%]+)%", lookup, text)


class QueueListener:
    def __init__(self, function: QueueFunction, options: QueueOptions, pool: Executor) -> None:
        self.function = function
        self.options = options
        self._pool = pool
        connection = os.environ.get(function.connection) or os.environ.get(
            f"{function.connection}__connectionString"
        )
        if not connection:
            raise KeyError(f"connection setting '{function.connection}' is not set")
        self.queue_name = resolve_setting_refs(function.queue_name)
        self._queue = QueueClient.from_connection_string(connection, self.queue_name)
        self._poison = QueueClient.from_connection_string(connection, f"{self.queue_name}-poison")

    async def run(self) -> None:
        with contextlib.suppress(ResourceExistsError):
            await self._queue.create_queue()
        delay = 0.05
        try:
            while True:
                batch = [
                    m
                    async for m in self._queue.receive_messages(
                        messages_per_page=self.options.batch_size,
                        max_messages=self.options.batch_size,
                        visibility_timeout=LEASE_SECONDS,
                    )
                ]
                if batch:
                    delay = 0.05
                    await asyncio.gather(*(self._process(m) for m in batch))
                    continue
                await asyncio.sleep(delay)
                delay = min(delay * 2, max(self.options.max_polling_interval, 0.05))
        finally:
            await self._queue.close()
            await self._poison.close()

    def _decode(self, content: str) -> bytes:
        if self.options.message_encoding == "base64":
            return base64.b64decode(content, validate=True)
        return content.encode()

    async def _process(self, message: Any) -> None:
        function = self.function
        started = time.perf_counter()
        invocation_id = str(uuid.uuid4())
        try:
            body = self._decode(message.content)
            kwargs: dict[str, Any] = {
                function.trigger_param: QueueMessage(
                    id=message.id,
                    body=body,
                    dequeue_count=message.dequeue_count,
                    expiration_time=message.expires_on,
                    insertion_time=message.inserted_on,
                    time_next_visible=message.next_visible_on,
                    pop_receipt=message.pop_receipt,
                )
            }
            if function.wants_context:
                kwargs["context"] = InvocationContext(invocation_id, function.name)
            if function.is_async:
                await function.fn(**kwargs)
            else:
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(self._pool, partial(function.fn, **kwargs))
        except Exception as exc:
            await self._failed(message, exc, invocation_id, started)
            return
        await self._queue.delete_message(message)
        self._log("Succeeded", message, invocation_id, started)

    async def _failed(
        self, message: Any, exc: Exception, invocation_id: str, started: float
    ) -> None:
        self._log(f"Failed: {type(exc).__name__}: {exc}", message, invocation_id, started)
        if message.dequeue_count >= self.options.max_dequeue_count:
            with contextlib.suppress(ResourceExistsError):
                await self._poison.create_queue()
            await self._poison.send_message(message.content)
            await self._queue.delete_message(message)
            log.warning(
                "Message %s moved to %s-poison after %d attempts",
                message.id, self.queue_name, message.dequeue_count,
            )  # fmt: skip
            return
        await self._queue.update_message(
            message, visibility_timeout=int(self.options.visibility_timeout)
        )

    def _log(self, outcome: str, message: Any, invocation_id: str, started: float) -> None:
        log.info(
            "Executed 'Functions.%s' (%s, Id=%s, MessageId=%s, DequeueCount=%d, Duration=%.0fms)",
            self.function.name, outcome, invocation_id, message.id, message.dequeue_count,
            (time.perf_counter() - started) * 1000,
        )  # fmt: skip
