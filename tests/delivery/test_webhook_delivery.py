"""The N8N webhook variant: the message JSON with the shared-secret and idempotency headers."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import SecretStr

from api.notifications import build_blueprint
from calendary.delivery.errors import TransientDeliveryError
from calendary.delivery.webhook import SECRET_HEADER
from calendary.settings import Settings
from calendary.storage.notifications_queue import NotificationQueue
from fakes.replicate.testing import StubSite
from tests.delivery.messages import training_complete
from tests.delivery.queue_host import QueueHost, queue_function

ROOT = Path(__file__).resolve().parents[2]
PATH = "/webhook/calendary-notifications"


def _settings(site: StubSite, storage_settings: dict[str, object]) -> Settings:
    return Settings(
        _env_file=None,
        notification_webhook_url=site.url(PATH),
        notification_webhook_secret=SecretStr("s3cret-header-value"),
        **storage_settings,
    )


def test_the_message_is_posted_with_the_secret_header(
    site: StubSite, storage_settings: dict[str, object], queue: NotificationQueue, host: QueueHost
) -> None:
    message = training_complete()
    queue.send(message)
    _, deliver = queue_function(build_blueprint(_settings(site, storage_settings)))

    assert host.run_once(deliver).error is None

    [post] = site.received
    assert post.path == PATH
    assert post.headers["x-calendary-secret"] == "s3cret-header-value"
    assert post.headers["idempotency-key"] == "training_complete:tr1"
    assert post.headers["content-type"] == "application/json"
    assert json.loads(post.body) == json.loads(message.to_json())
    assert host.pending() == 0


def test_a_failed_workflow_is_retried_and_posted_once_more_only(
    site: StubSite, storage_settings: dict[str, object], queue: NotificationQueue, host: QueueHost
) -> None:
    site.statuses = [502]  # the workflow's "Respond failed" answer
    queue.send(training_complete())
    queue.send(training_complete())
    _, deliver = queue_function(build_blueprint(_settings(site, storage_settings)))

    first = host.run_once(deliver)
    assert isinstance(first.error, TransientDeliveryError)
    assert "502" in str(first.error)
    results = [host.run_once(deliver).error for _ in range(2)]

    assert results == [None, None]
    assert len(site.received) == 2  # the 502 and the successful retry; the copy was skipped
    assert host.pending() == 0


def test_the_header_is_the_one_the_n8n_credential_sends() -> None:
    workflow = json.loads((ROOT / "docs/n8n/telegram-notify.json").read_text(encoding="utf-8"))
    [hook] = [n for n in workflow["nodes"] if n["type"] == "n8n-nodes-base.webhook"]
    credential = hook["credentials"]["httpHeaderAuth"]["name"]
    setup = (ROOT / "docs/n8n-setup.md").read_text(encoding="utf-8")
    row = re.search(rf"\| Header Auth \| `{credential}` \| Name `([^`]+)`", setup)
    assert row is not None, credential
    assert row.group(1) == SECRET_HEADER
