"""The bot token never reaches logs, exceptions or the delivery records."""

from __future__ import annotations

import logging
import socket
import traceback

import pytest

from calendary.settings import Settings
from calendary.storage.clients import StorageClients
from calendary.storage.notifications_queue import NotificationQueue
from tests.delivery.messages import training_complete
from tests.delivery.queue_host import QueueHost, delivering
from tools.devstack import fake_settings
from tools.fakes.telegram.testing import RunningTelegram


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_no_token_in_logs_errors_or_records(
    telegram: RunningTelegram,
    telegram_settings: Settings,
    storage_settings: dict[str, object],
    queue: NotificationQueue,
    host: QueueHost,
    storage_clients: StorageClients,
    unique_name: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = telegram.token
    unreachable = fake_settings.telegram_settings(
        telegram, **storage_settings, telegram_api_base_url=_closed_port_url()
    )
    queue.send(training_complete())
    telegram.fake.fail_next(1, status=500)
    _, deliver = delivering(telegram_settings)
    _, deliver_unreachable = delivering(unreachable)

    attempts = [
        host.run_once(deliver_unreachable),  # transport error
        host.run_once(deliver),  # 500
        host.run_once(deliver),  # sent
    ]

    errors = [a.error for a in attempts[:2]]
    assert all(e is not None for e in errors)
    assert attempts[2].error is None
    assert "HTTP Request: POST" in caplog.text  # httpx logged its request line...
    assert "/bot<redacted>/sendMessage" in caplog.text  # ...scrubbed
    assert token not in caplog.text
    for error in errors:
        assert error is not None
        assert token not in "".join(traceback.format_exception(error))
    table = storage_clients.table_service.get_table_client(unique_name)
    assert all(token not in str(dict(e)) for e in table.list_entities())
    assert token not in repr(telegram_settings)
