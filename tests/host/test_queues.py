"""Queue triggers against Azurite: decoding, delete on success, retries and the poison queue."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from azure.storage.queue import QueueClient

from devhost.testing import running_host
from tests.host import queue_app


def _wait_until(predicate, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_queue_trigger_retries_then_poisons(
    azurite_connection_string: str,
    unique_name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", azurite_connection_string)
    monkeypatch.setenv("DEVHOST_TEST_QUEUE", unique_name)
    host_json = tmp_path / "host.json"
    queues = {
        "maxDequeueCount": 3,
        "visibilityTimeout": "00:00:00",
        "maxPollingInterval": "00:00:00.2",
    }
    host_json.write_text(json.dumps({"version": "2.0", "extensions": {"queues": queues}}))
    queue = QueueClient.from_connection_string(azurite_connection_string, unique_name)
    queue.create_queue()
    poison = QueueClient.from_connection_string(azurite_connection_string, f"{unique_name}-poison")
    queue_app.received.clear()
    with running_host("tests.host.queue_app:app", host_json=str(host_json)):
        queue.send_message(base64.b64encode(b"hello").decode())
        queue.send_message(base64.b64encode(b"fail-me").decode())
        _wait_until(lambda: len(queue_app.received) >= 4)
        _wait_until(lambda: queue.get_queue_properties().approximate_message_count == 0)
        _wait_until(lambda: len(list(poison.peek_messages())) == 1)
    assert ("hello", 1) in queue_app.received
    assert sorted(c for t, c in queue_app.received if t == "fail-me") == [1, 2, 3]
    [poisoned] = poison.peek_messages()
    assert base64.b64decode(poisoned.content) == b"fail-me"
    poison.delete_queue()
    queue.delete_queue()
