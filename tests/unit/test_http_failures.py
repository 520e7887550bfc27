"""HTTP functions answer bad input with 400 and its text, a failing dependency with 503 and anything
else with 500, all in the envelope; the last two without the exception's text (it may carry a URL
or a key)."""

from __future__ import annotations

import asyncio
import inspect
import json

import aiohttp
import pytest
from azure.core.exceptions import ServiceRequestError

from api.durable_start import DurableUnavailable
from api.envelope import BadRequest
from api.failures import INTERNAL, UNAVAILABLE, answers_failures
from calendary.errors import CalendaryError

SECRET = "https://acct.blob.core.windows.net/x?sig=abc"


@pytest.mark.parametrize(
    ("error", "status", "text"),
    [
        (DurableUnavailable(SECRET), 503, UNAVAILABLE),
        (aiohttp.ClientConnectionError(SECRET), 503, UNAVAILABLE),
        (TimeoutError(SECRET), 503, UNAVAILABLE),
        (ServiceRequestError(SECRET), 503, UNAVAILABLE),
        (CalendaryError(SECRET, transient=True), 503, UNAVAILABLE),
        (CalendaryError(SECRET, transient=False), 500, INTERNAL),
        (KeyError(SECRET), 500, INTERNAL),
        (BadRequest("userId: not a chat id"), 400, "userId: not a chat id"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_a_failure_gets_its_status_in_the_envelope(
    error: Exception, status: int, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    @answers_failures
    async def handler(req: object) -> object:
        raise error

    answer = asyncio.run(handler(object()))
    assert answer.status_code == status
    assert json.loads(answer.get_body()) == {"success": False, "data": None, "error": text}
    assert "sig=" not in caplog.text  # the log names the exception's type, never its text


def test_the_wrapper_keeps_the_signature_the_worker_reads() -> None:
    async def upload_images_http(req: object, client: object) -> object:
        return req

    wrapped = answers_failures(upload_images_http)
    assert wrapped.__name__ == "upload_images_http"
    assert list(inspect.signature(wrapped).parameters) == ["req", "client"]
    assert asyncio.iscoroutinefunction(wrapped)
