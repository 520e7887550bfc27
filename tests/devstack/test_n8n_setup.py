"""What the n8n glue feeds n8n: the shipped files with ids and origin filled in, the credentials,
an environment that keeps n8n on loopback and quiet, and `make run N8N=1`'s delivery settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.devstack.n8n_setup import (
    LOCAL_NOTIFICATION_KEY,
    LOCAL_NOTIFY_URL,
    N8nConfig,
    credentials,
    environment,
    workflow_files,
)
from tools.devstack.photos import BOT_TOKEN
from tools.devstack.stack import Ports, local_environment

CONFIG = N8nConfig(
    port=5999,
    api_origin="http://127.0.0.1:40001",
    telegram_base_url="http://127.0.0.1:40002",
    telegram_token="1:tok",
    function_key="fk",
    notification_key="nk",
    broker_port=5998,
)


def test_workflows_get_real_credential_ids_and_the_service_origin() -> None:
    files = workflow_files(CONFIG.api_origin)
    assert set(files) == {"telegram-inbound.json", "telegram-notify.json", "status-poll.json"}
    text = "".join(files.values())
    assert "REPLACE_WITH_" not in text
    assert "127.0.0.1:7071" not in text
    assert "http://127.0.0.1:40001/api/UploadImages" in text
    ids = {c["id"] for c in credentials(CONFIG)}
    for workflow in map(json.loads, files.values()):
        for node in workflow["nodes"]:
            assert {c["id"] for c in node.get("credentials", {}).values()} <= ids


def test_credentials_carry_what_the_nodes_read() -> None:
    by_type = {c["type"]: c["data"] for c in credentials(CONFIG)}
    assert by_type["telegramApi"] == {"accessToken": "1:tok", "baseUrl": "http://127.0.0.1:40002"}
    assert by_type["httpHeaderAuth"] == {"name": "x-functions-key", "value": "fk"}
    assert by_type["jwtAuth"] == {"keyType": "passphrase", "secret": "nk", "algorithm": "HS256"}


def test_n8n_listens_on_loopback_and_calls_no_one(tmp_path: Path) -> None:
    env = environment(tmp_path, CONFIG)
    assert env["N8N_LISTEN_ADDRESS"] == "127.0.0.1"
    assert env["WEBHOOK_URL"] == "http://127.0.0.1:5999/"
    assert env["N8N_RUNNERS_BROKER_PORT"] == "5998"
    for switch in ("DIAGNOSTICS", "VERSION_NOTIFICATIONS", "TEMPLATES", "PERSONALIZATION"):
        assert env[f"N8N_{switch}_ENABLED"] == "false"
    assert not set(env.values()) & {"1:tok", "fk", "nk"}  # secrets go in credentials only


def test_make_run_with_n8n_delivers_there_and_fetches_from_the_fake_telegram(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NotificationWebhookUrl", "TelegramBotToken", "NotificationsQueue"):
        monkeypatch.delenv(name, raising=False)
    plain = local_environment(Ports(), tmp_path / "none.json")
    assert "NotificationWebhookUrl" not in plain  # notifications wait in the queue for the demo
    env = local_environment(Ports(photos=8003), tmp_path / "none.json", with_n8n=True)
    assert env["NotificationWebhookUrl"] == LOCAL_NOTIFY_URL
    assert env["NotificationWebhookSecret"] == LOCAL_NOTIFICATION_KEY
    assert (env["TelegramBotToken"], env["TelegramApiBaseUrl"]) == (
        BOT_TOKEN,
        "http://127.0.0.1:8003",
    )
    assert env["NotificationsQueue"] == "telegram-notifications"
