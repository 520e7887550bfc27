"""Recognising a training a workflow already created, from what Replicate echoes back.

Creating a training has no idempotency key, so a retry after a lost answer finds its earlier
training by the two things only that workflow sends: its archive link and its webhook.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from calendary.domain.image_urls import redact_url
from calendary.replicate.models import Training


def same_resource(url: str, other: str) -> bool:
    """The same address once the query (a SAS signature that differs per link) is dropped."""
    return redact_url(url) == redact_url(other)


def webhook_instance(webhook: str) -> str | None:
    """The `instanceId` our webhook URL carries, if any."""
    try:
        values = parse_qs(urlsplit(webhook).query).get("instanceId")
    except ValueError:
        return None
    return values[0] if values else None


def created_by(training: Training, archive_url: str, instance_id: str) -> bool:
    """True when `training` trains on this archive and, if its webhook is shown, calls back to
    this instance. The archive name is unique per chat and second, so it alone is decisive when
    the webhook is not in the listing."""
    images = (training.input or {}).get("input_images")
    if not isinstance(images, str) or not same_resource(images, archive_url):
        return False
    return training.webhook is None or webhook_instance(training.webhook) == instance_id
