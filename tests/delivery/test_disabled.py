"""Without a token or a webhook URL nothing listens to the queue, so N8N can read it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import azure.durable_functions as df
import pytest
from pydantic import SecretStr

from api.notifications import FUNCTION_NAME
from calendary.delivery.channels import channel_from_environ, delivery_channel
from calendary.settings import Settings
from calendary.storage.notifications_queue import NotificationQueue
from tests.delivery.messages import training_complete
from tests.delivery.queue_host import QueueHost, delivering, delivery_blueprint

ROOT = Path(__file__).resolve().parents[2]


def _functions_of_app(env: dict[str, str]) -> list[str]:
    """Imports function_app.py in a fresh interpreter, as the worker does at start."""
    code = (
        "import function_app\n"
        "print(','.join(f.get_function_name() for f in function_app.app.get_functions()))"
    )
    names = {"TelegramBotToken", "NotificationWebhookUrl"}
    clean = {k: v for k, v in os.environ.items() if k not in names}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip().split(",")


def test_the_app_registers_the_trigger_only_when_a_channel_is_set() -> None:
    assert FUNCTION_NAME not in _functions_of_app({"TelegramBotToken": " "})
    assert FUNCTION_NAME in _functions_of_app({"NotificationWebhookUrl": "https://n8n/webhook/x"})


def test_a_disabled_blueprint_is_empty_and_messages_stay_queued(
    queue: NotificationQueue, host: QueueHost
) -> None:
    queue.send(training_complete())
    app = df.DFApp()
    app.register_functions(delivery_blueprint(Settings(_env_file=None)))
    assert app.get_functions() == []
    assert host.pending() == 1


def test_the_webhook_wins_when_both_are_set() -> None:
    both = Settings(
        _env_file=None,
        telegram_bot_token=SecretStr("1:abc"),
        notification_webhook_url="https://n8n.example/webhook/x",
    )
    assert delivery_channel(both) == "webhook"
    assert delivery_channel(Settings(_env_file=None, telegram_bot_token=SecretStr("1:abc"))) == (
        "telegram"
    )
    assert delivery_channel(Settings(_env_file=None, telegram_bot_token=SecretStr(""))) is None
    function, _ = delivering(both)
    assert function.get_function_name() == FUNCTION_NAME


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"TelegramBotToken": " "},
        {"TelegramBotToken": "1:abc"},
        {"telegrambottoken": "1:abc"},
        {"NotificationWebhookUrl": ""},
        {"NOTIFICATIONWEBHOOKURL": "https://n8n.example/webhook/x"},
        {"TelegramBotToken": "1:abc", "NotificationWebhookUrl": "https://n8n.example/webhook/x"},
        {"TelegramBotToken": "1:abc", "NotificationWebhookUrl": "  "},
    ],
    ids=str,
)
def test_the_import_reads_the_environment_as_settings_do(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app decides at import from the environment without building Settings (cold start);
    # the choice must be the one Settings would give for the same environment.
    for name in list(os.environ):
        if name.lower() in {"telegrambottoken", "notificationwebhookurl"}:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert channel_from_environ(os.environ) == delivery_channel(Settings())
