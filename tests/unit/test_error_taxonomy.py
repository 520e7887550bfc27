"""Every adapter's errors share one base, and activities translate it one way."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from activities.errors import TransientFailure, raise_if_transient, transient_raises
from calendary.delivery.errors import PermanentDeliveryError, TransientDeliveryError
from calendary.errors import CalendaryError
from calendary.images.fetch import ImageFetchError
from calendary.images.normalize import ImageRejected
from calendary.replicate.checked_inputs import InputRefused
from calendary.replicate.errors import error_from_response
from calendary.replicate.input_schema import SchemaError
from calendary.replicate.outputs import OutputUnavailable


def replicate_error(status: int, **headers: str) -> CalendaryError:
    response = httpx.Response(status, headers=headers, json={"detail": "x"})
    return error_from_response(response, method="GET", path="/predictions/p")


@pytest.mark.parametrize(
    ("error", "transient", "retry_after"),
    [
        (replicate_error(429, **{"Retry-After": "3"}), True, 3.0),
        (replicate_error(503), True, None),
        (replicate_error(404), False, None),
        (replicate_error(422), False, None),
        (TransientDeliveryError("Telegram sendMessage: 429", retry_after=7), True, 7.0),
        (PermanentDeliveryError("Telegram sendMessage: 403 blocked"), False, None),
        (ImageFetchError("timeout", "the image download timed out", transient=True), True, None),
        (ImageFetchError("redirect", "the image URL redirects"), False, None),
        (OutputUnavailable("output host answered 503", transient=True), True, None),
        (OutputUnavailable("output answered 404", transient=False), False, None),
        (ImageRejected("corrupt", "the image file is damaged"), False, None),
        (InputRefused("steps: must be at most 4000"), False, None),
        (SchemaError("the version publishes no input schema"), False, None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_each_adapter_error_is_one_kind_with_a_transient_flag(
    error: CalendaryError, transient: bool, retry_after: float | None
) -> None:
    assert isinstance(error, CalendaryError)
    assert error.transient is transient
    assert error.retry_after == retry_after


def test_a_transient_error_raises_a_safe_failure_for_durable_to_retry() -> None:
    error = replicate_error(503)
    with pytest.raises(TransientFailure) as raised:
        raise_if_transient(error, "get prediction")
    assert str(raised.value) == "get prediction: GET /predictions/p: HTTP 503: x"
    # Not chained: the original's context may hold a URL with a token, and lands in the history.
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_permanent_error_is_handed_back_for_the_typed_outcome() -> None:
    error = ImageFetchError("too_large", "the image is larger than 10 bytes")
    assert raise_if_transient(error, "image 1") is error


async def _fails(error: Exception) -> None:
    await asyncio.sleep(0)
    raise error


async def test_transient_raises_translates_only_transient_errors() -> None:
    with pytest.raises(TransientFailure, match=r"^list trainings: GET /predictions/p"):
        await transient_raises(_fails(replicate_error(502)), "list trainings")
    permanent = replicate_error(404)
    with pytest.raises(type(permanent)) as raised:
        await transient_raises(_fails(permanent), "get training")
    assert raised.value is permanent
    # Anything that is not an adapter's error (a bug, a storage failure) passes untouched.
    with pytest.raises(KeyError):
        await transient_raises(_fails(KeyError("x")), "get training")
