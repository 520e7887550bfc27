"""Recognising a training or prediction a workflow already created, from what Replicate echoes.

Creating either has no idempotency key, so a retry after a lost answer finds its earlier job by
what only that workflow sends: its webhook and, for a training, its archive link.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from calendary.domain.image_urls import redact_url
from calendary.replicate.models import Prediction, Training, split_version


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


def prediction_created_by(
    prediction: Prediction,
    *,
    instance_id: str,
    version: str,
    input: dict[str, Any],
    requested_at: datetime | None,
) -> bool:
    """True when this generation workflow (its instance id is the generation id) created it.

    The webhook names the instance when the listing shows it. Without one, the same version with
    an identical input created after the workflow asked for it counts as ours. That is safe
    enough: only a retry after a lost answer re-sends an identical input that soon, and a user's
    earlier request with the same prompt was created before this one was asked for (only two
    identical requests overlapping by seconds could share one prediction, and then one image).
    Clock skew between Replicate and us can at worst miss the twin (one extra prediction, as
    without the lookup) or widen that window by the skew."""
    if prediction.webhook is not None:
        return webhook_instance(prediction.webhook) == instance_id
    if requested_at is None or prediction.created_at is None or prediction.version is None:
        return False
    if split_version(prediction.version)[1] != split_version(version)[1]:
        return False
    return prediction.input == input and prediction.created_at >= _aware(requested_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
