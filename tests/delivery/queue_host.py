"""Runs a queue-trigger function the way the Functions host does, on a real Azurite queue.

Receive one message, Base64-decode it (host.json `messageEncoding`), pass a worker
`QueueMessage` with id and dequeue count, delete it when the function returns, make it visible
again when it raises, and move it to `<queue>-poison` after `maxDequeueCount` failed tries.
One attempt at a time, in this process, for tests that look at the raised error or the logs; the
real local host runs the same function in `test_through_host.py`.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import azure.durable_functions as df
import azure.functions as func
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.functions.queue import QueueMessage
from azure.storage.queue import QueueServiceClient

from api.notifications import blueprint_for
from calendary.bootstrap import bootstrap, installed
from calendary.delivery.channels import delivery_channel
from calendary.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HOST_QUEUES = json.loads((ROOT / "host.json").read_text(encoding="utf-8"))["extensions"]["queues"]

UserFunction = Callable[[func.QueueMessage], None]


def queue_function(blueprint: df.Blueprint) -> tuple[func.FunctionBuilder, UserFunction]:
    """The one function of `blueprint`, as the worker indexes it, and its user code."""
    app = df.DFApp()
    app.register_functions(blueprint)
    [function] = app.get_functions()
    return function, function.get_user_function()


def delivery_blueprint(settings: Settings) -> df.Blueprint:
    """The blueprint the app registers when its settings are `settings` (it reads them from the
    environment at import, which a test in this process cannot change)."""
    return blueprint_for(delivery_channel(settings))


def delivering(settings: Settings) -> tuple[func.FunctionBuilder, UserFunction]:
    """The app's delivery function as registered for `settings`, and its user code run with
    the services of `settings` installed (built once, so attempts share one deliverer)."""
    function, user = queue_function(delivery_blueprint(settings))
    chosen = bootstrap(settings)

    def deliver(msg: func.QueueMessage) -> None:
        with installed(chosen):
            user(msg)

    return function, deliver


@dataclass
class Attempt:
    dequeue_count: int
    error: BaseException | None
    message: QueueMessage


class QueueHost:
    def __init__(self, service: QueueServiceClient, queue_name: str) -> None:
        assert HOST_QUEUES["messageEncoding"] == "base64"
        self.queue = service.get_queue_client(queue_name)
        self.poison = service.get_queue_client(f"{queue_name}-poison")
        self.max_dequeue_count: int = HOST_QUEUES["maxDequeueCount"]

    def run_once(self, function: UserFunction) -> Attempt:
        [raw] = list(self.queue.receive_messages(max_messages=1, visibility_timeout=30))
        message = QueueMessage(
            id=raw.id,
            body=base64.b64decode(raw.content),
            dequeue_count=raw.dequeue_count,
            pop_receipt=raw.pop_receipt,
        )
        try:
            function(message)
        except Exception as error:
            if raw.dequeue_count >= self.max_dequeue_count:
                with contextlib.suppress(ResourceExistsError):
                    self.poison.create_queue()
                self.poison.send_message(raw.content)
                self.queue.delete_message(raw)
            else:
                self.queue.update_message(raw, visibility_timeout=0)
            return Attempt(raw.dequeue_count, error, message)
        self.queue.delete_message(raw)
        return Attempt(raw.dequeue_count, None, message)

    def pending(self) -> int:
        return len(list(self.queue.peek_messages(max_messages=32)))

    def poisoned(self) -> list[bytes]:
        try:
            return [base64.b64decode(m.content) for m in self.poison.peek_messages(32)]
        except ResourceNotFoundError:
            return []

    def delete_queues(self) -> None:
        self.queue.delete_queue()
        with contextlib.suppress(ResourceNotFoundError):
            self.poison.delete_queue()
