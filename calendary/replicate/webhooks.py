"""Verification of Replicate's signed webhooks (Standard Webhooks, as Replicate uses them).

The signature is HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{raw body}` with the base64
key after `whsec_`; `webhook-signature` holds one or more space-separated `v1,<base64>` entries.
Always verify the raw request bytes: re-serialised JSON does not hash the same.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from pydantic import SecretStr

DEFAULT_TOLERANCE = timedelta(minutes=5)
_SECRET_PREFIX = "whsec_"  # noqa: S105 - a format prefix, not a secret


class WebhookVerificationError(Exception):
    """The webhook must be rejected (answer 401); messages never include the secret."""


class MissingHeadersError(WebhookVerificationError):
    pass


class MalformedTimestampError(WebhookVerificationError):
    pass


class StaleTimestampError(WebhookVerificationError):
    """Older than the tolerance: possibly a replay."""


class FutureTimestampError(WebhookVerificationError):
    """Further in the future than the tolerance."""


class InvalidSignatureError(WebhookVerificationError):
    """No `v1` entry matches: tampered body, wrong secret or wrong id/timestamp."""


class MalformedSecretError(WebhookVerificationError):
    """The configured secret is not `whsec_<base64>`: our configuration, not the sender."""


@dataclass(frozen=True)
class VerifiedWebhook:
    id: str
    timestamp: int


def secret_key(secret: str | SecretStr) -> bytes:
    value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    prefix, sep, encoded = value.partition("_")
    if not sep or f"{prefix}_" != _SECRET_PREFIX or not encoded:
        raise MalformedSecretError("webhook secret must look like 'whsec_<base64>'")
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedSecretError("webhook secret is not valid base64 after 'whsec_'") from None
    if not key:
        raise MalformedSecretError("webhook secret is empty")
    return key


def signature(secret: str | SecretStr, webhook_id: str, timestamp: str | int, body: bytes) -> str:
    """The `v1,<base64>` entry for one message (used to sign test requests)."""
    signed = b"%s.%s.%s" % (webhook_id.encode(), str(timestamp).encode(), body)
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    headers: Mapping[str, str],
    body: bytes,
    secret: str | SecretStr,
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> VerifiedWebhook:
    """Check one delivery; returns its id (the dedupe key, the same across retries) or raises."""
    lowered = {k.lower(): v for k, v in headers.items()}
    webhook_id = lowered.get("webhook-id", "").strip()
    timestamp_text = lowered.get("webhook-timestamp", "").strip()
    signatures = lowered.get("webhook-signature", "").strip()
    missing = [
        name
        for name, value in (
            ("webhook-id", webhook_id),
            ("webhook-timestamp", timestamp_text),
            ("webhook-signature", signatures),
        )
        if not value
    ]
    if missing:
        raise MissingHeadersError(f"missing webhook headers: {', '.join(missing)}")
    key = secret_key(secret)
    try:
        timestamp = int(timestamp_text)
    except ValueError:
        raise MalformedTimestampError("webhook-timestamp is not Unix seconds") from None
    current = time.time() if now is None else now
    limit = tolerance.total_seconds()
    if timestamp < current - limit:
        raise StaleTimestampError("webhook-timestamp is older than the tolerance")
    if timestamp > current + limit:
        raise FutureTimestampError("webhook-timestamp is too far in the future")
    signed = b"%s.%s.%s" % (webhook_id.encode(), timestamp_text.encode(), body)
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    matched = False
    for entry in signatures.split():
        version, sep, value = entry.partition(",")
        # Compare every entry (no early exit) so timing does not reveal which one matched.
        if sep and version == "v1" and hmac.compare_digest(value.encode(), expected):
            matched = True
    if not matched:
        raise InvalidSignatureError("no webhook-signature entry matches")
    return VerifiedWebhook(id=webhook_id, timestamp=timestamp)


class WebhookSecretProvider:
    """The signing secret: `ReplicateWebhookSecret`, else fetched from the API once per process."""

    def __init__(
        self,
        configured: SecretStr | None,
        fetch: Callable[[], Awaitable[SecretStr]] | None = None,
    ) -> None:
        if configured is not None and not configured.get_secret_value():
            configured = None
        if configured is None and fetch is None:
            raise ValueError("no ReplicateWebhookSecret and no way to fetch it")
        if configured is not None:
            secret_key(configured)  # fail at start-up, not on the first webhook
        self._secret = configured
        self._fetch = fetch

    def __repr__(self) -> str:
        return f"WebhookSecretProvider(cached={self._secret is not None})"

    async def get(self) -> SecretStr:
        if self._secret is None:
            assert self._fetch is not None
            fetched = await self._fetch()
            secret_key(fetched)
            self._secret = fetched
        return self._secret

    async def verify(
        self, headers: Mapping[str, str], body: bytes, *, now: float | None = None
    ) -> VerifiedWebhook:
        return verify(headers, body, await self.get(), now=now)
