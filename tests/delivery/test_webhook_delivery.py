"""The N8N webhook variant: the message with a short-lived JWT and the idempotency header;
a picture as multipart bytes, never as its SAS link."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

from pydantic import SecretStr

from calendary.delivery.errors import TransientDeliveryError
from calendary.delivery.webhook_token import LIFETIME_SECONDS
from calendary.settings import Settings
from calendary.storage.notifications_queue import NotificationQueue
from tests.delivery.messages import generation_complete, training_complete
from tests.delivery.queue_host import QueueHost, delivering
from tools.fakes.replicate.testing import StubSite

ROOT = Path(__file__).resolve().parents[2]
PATH = "/webhook/calendary-notifications"
SECRET = "s3cret-signing-value"


def _claims(authorization: str) -> dict[str, object]:
    """The JWT's claims after checking its HS256 signature with SECRET, as N8N does."""
    scheme, token = authorization.split(" ")
    head, body, signature = token.split(".")
    expected = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert scheme == "Bearer"
    assert base64.urlsafe_b64decode(signature + "==") == expected
    assert json.loads(base64.urlsafe_b64decode(head + "==")) == {"alg": "HS256", "typ": "JWT"}
    return json.loads(base64.urlsafe_b64decode(body + "=="))


def _settings(site: StubSite, storage_settings: dict[str, object]) -> Settings:
    return Settings(
        _env_file=None,
        notification_webhook_url=site.url(PATH),
        notification_webhook_secret=SecretStr(SECRET),
        **storage_settings,
    )


def test_the_message_is_posted_with_the_secret_header(
    site: StubSite, storage_settings: dict[str, object], queue: NotificationQueue, host: QueueHost
) -> None:
    message = training_complete()
    queue.send(message)
    _, deliver = delivering(_settings(site, storage_settings))

    assert host.run_once(deliver).error is None

    [post] = site.received
    assert post.path == PATH
    assert SECRET not in str(post.headers)
    claims = _claims(post.headers["authorization"])
    assert claims["sub"] == "training_complete:tr1"
    assert claims["exp"] == claims["iat"] + LIFETIME_SECONDS
    assert post.headers["idempotency-key"] == "training_complete:tr1"
    assert post.headers["content-type"] == "application/json"
    expected = json.loads(message.to_json())
    del expected["imageUrl"]
    assert json.loads(post.body) == expected
    assert host.pending() == 0


def test_a_picture_is_posted_as_bytes_without_its_link(
    site: StubSite, storage_settings: dict[str, object], queue: NotificationQueue, host: QueueHost
) -> None:
    link = site.url("/generated/g1.jpg") + "?sv=2024&sig=abc"
    queue.send(generation_complete(link))
    _, deliver = delivering(_settings(site, storage_settings))

    assert host.run_once(deliver).error is None

    [post] = site.received
    assert b"sig=" not in post.body
    raw = f"Content-Type: {post.headers['content-type']}\r\n\r\n".encode() + post.body
    parts = {p.get_param("name", header="content-disposition"): p for p in
             BytesParser(policy=HTTP).parsebytes(raw).iter_parts()}  # fmt: skip
    assert parts["photo"].get_content() == site.files["/generated/g1.jpg"]
    assert parts["photo"].get_content_type() == "image/jpeg"
    assert parts["userId"].get_content() == "123456789"
    assert parts["messageType"].get_content() == "generation_complete"
    assert json.loads(parts["metadata"].get_content())["idempotencyKey"] == "generation_complete:g1"
    assert "imageUrl" not in parts


def test_a_failed_workflow_is_retried_and_posted_once_more_only(
    site: StubSite, storage_settings: dict[str, object], queue: NotificationQueue, host: QueueHost
) -> None:
    site.statuses = [502]  # the workflow's "Respond failed" answer
    queue.send(training_complete())
    queue.send(training_complete())
    _, deliver = delivering(_settings(site, storage_settings))

    first = host.run_once(deliver)
    assert isinstance(first.error, TransientDeliveryError)
    assert "502" in str(first.error)
    results = [host.run_once(deliver).error for _ in range(2)]

    assert results == [None, None]
    assert len(site.received) == 2  # the 502 and the successful retry; the copy was skipped
    assert host.pending() == 0


def test_the_workflow_checks_the_token_the_service_signs() -> None:
    workflow = json.loads((ROOT / "docs/n8n/telegram-notify.json").read_text(encoding="utf-8"))
    [hook] = [n for n in workflow["nodes"] if n["type"] == "n8n-nodes-base.webhook"]
    assert hook["parameters"]["authentication"] == "jwtAuth"
    credential = hook["credentials"]["jwtAuth"]["name"]
    setup = (ROOT / "docs/n8n-setup.md").read_text(encoding="utf-8")
    row = re.search(rf"\| JWT Auth \| `{credential}` \| ([^|]+)\|", setup)
    assert row is not None, credential
    assert "HS256" in row.group(1)
