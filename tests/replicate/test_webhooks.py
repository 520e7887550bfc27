"""Webhook signature verification: the reference vectors and each distinct way to fail."""

from __future__ import annotations

import base64

import pytest
from pydantic import SecretStr

from calendary.replicate.webhooks import (
    FutureTimestampError,
    InvalidSignatureError,
    MalformedSecretError,
    MalformedTimestampError,
    MissingHeadersError,
    StaleTimestampError,
    WebhookSecretProvider,
    WebhookVerificationError,
    signature,
    verify,
)

SECRET_A = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
ID_A = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TS_A = 1614265330
BODY_A = b'{"test": 2432232314}'
SIG_A = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

SECRET_B = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
ID_B = "msg_2mKqT3cL5uVb1yJ0aHf9XwRz"
TS_B = 1735689600
BODY_B = b'{"id":"yhyxz6wh8nrme0cm2cqr2yxkqc","status":"succeeded"}'
SIG_B = "v1,KAxaOk6Sz0ImlzVeRhPHZ1BxgJv5jkk054cHinBHVgs="


def headers(webhook_id: str, ts: int | str, sig: str) -> dict[str, str]:
    return {"webhook-id": webhook_id, "webhook-timestamp": str(ts), "webhook-signature": sig}


@pytest.mark.parametrize(
    ("secret", "webhook_id", "ts", "body", "sig"),
    [(SECRET_A, ID_A, TS_A, BODY_A, SIG_A), (SECRET_B, ID_B, TS_B, BODY_B, SIG_B)],
)
def test_reference_vectors_pass(secret: str, webhook_id: str, ts: int, body: bytes, sig: str):
    verified = verify(headers(webhook_id, ts, sig), body, SecretStr(secret), now=ts + 10)
    assert (verified.id, verified.timestamp) == (webhook_id, ts)
    assert signature(secret, webhook_id, ts, body) == sig


def test_any_of_several_signatures_may_match_and_headers_are_case_insensitive() -> None:
    many = f"v1,bm9ldHUjZWhrcGVyYWNlCg== v2,MzJsNDk4 {SIG_A}"
    upper = {k.upper(): v for k, v in headers(ID_A, TS_A, many).items()}
    assert verify(upper, BODY_A, SECRET_A, now=TS_A).id == ID_A


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"body": BODY_A + b" "}, InvalidSignatureError),
        ({"body": b'{"test": 2432232315}'}, InvalidSignatureError),
        ({"secret": SECRET_B}, InvalidSignatureError),
        ({"id": "msg_other"}, InvalidSignatureError),
        ({"sig": "v2," + SIG_A[3:]}, InvalidSignatureError),
        ({"sig": SIG_A[3:]}, InvalidSignatureError),
        ({"now": TS_A + 301}, StaleTimestampError),
        ({"now": TS_A - 301}, FutureTimestampError),
        ({"ts": "yesterday"}, MalformedTimestampError),
        ({"secret": "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, MalformedSecretError),
        ({"secret": "whsec_not base64!"}, MalformedSecretError),
        ({"secret": "whsec_"}, MalformedSecretError),
    ],
)
def test_each_failure_has_its_own_error(change: dict, error: type[Exception]) -> None:
    values = {"body": BODY_A, "secret": SECRET_A, "id": ID_A, "ts": TS_A, "sig": SIG_A, "now": TS_A}
    values.update(change)
    with pytest.raises(error) as raised:
        verify(
            headers(values["id"], values["ts"], values["sig"]),
            values["body"],
            values["secret"],
            now=values["now"],
        )
    assert isinstance(raised.value, WebhookVerificationError)
    assert SECRET_A[6:] not in str(raised.value)


def test_timestamps_within_five_minutes_either_way_pass() -> None:
    for now in (TS_A - 300, TS_A + 300):
        assert verify(headers(ID_A, TS_A, SIG_A), BODY_A, SECRET_A, now=now).id == ID_A


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_headers(missing: str) -> None:
    given = headers(ID_A, TS_A, SIG_A)
    del given[missing]
    with pytest.raises(MissingHeadersError, match=missing):
        verify(given, BODY_A, SECRET_A, now=TS_A)


async def test_provider_prefers_the_configured_secret() -> None:
    async def fetch() -> SecretStr:
        raise AssertionError("must not fetch when a secret is configured")

    provider = WebhookSecretProvider(SecretStr(SECRET_A), fetch)
    verified = await provider.verify(headers(ID_A, TS_A, SIG_A), BODY_A, now=TS_A)
    assert verified.id == ID_A
    assert SECRET_A not in repr(provider)


async def test_provider_fetches_once_when_unset() -> None:
    calls: list[int] = []

    async def fetch() -> SecretStr:
        calls.append(1)
        return SecretStr(SECRET_B)

    provider = WebhookSecretProvider(SecretStr(""), fetch)
    for _ in range(3):
        await provider.verify(headers(ID_B, TS_B, SIG_B), BODY_B, now=TS_B)
    assert len(calls) == 1


def test_provider_rejects_a_malformed_configured_secret() -> None:
    with pytest.raises(MalformedSecretError):
        WebhookSecretProvider(SecretStr("whsec_%%%"))
    with pytest.raises(ValueError, match="no ReplicateWebhookSecret"):
        WebhookSecretProvider(None)


def test_signature_uses_the_decoded_key() -> None:
    key = base64.b64decode(SECRET_A.removeprefix("whsec_"))
    assert key.hex() == "31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0"
