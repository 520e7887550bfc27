"""What an HTTP function answers when its input is bad or something it depends on fails: the
envelope, never a bare 500.

A `BadRequest` raised anywhere in a handler (`parse_body`, `route_chat_id`) answers 400 with its
text, which names the field and never echoes a secret. The Functions host turns an exception
escaping a handler into an empty 500, which a client (n8n) cannot tell from a bug: storage or the
task hub being down, or a dependency failing transiently, answers 503 so the caller retries;
anything else answers 500 with the envelope. Nothing is written by these answers, and their text
names no URL, key or exception message (those may carry secrets).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import ParamSpec

import aiohttp
import azure.functions as func

from api.durable_start import DurableUnavailable
from api.envelope import BadRequest, fail
from calendary.errors import CalendaryError
from calendary.storage import azure_names as az

P = ParamSpec("P")
log = logging.getLogger(__name__)

UNAVAILABLE = "a service this request needs is unavailable; try again later"
INTERNAL = "the request failed on our side; try again later"


def answers_failures(
    handler: Callable[P, Awaitable[func.HttpResponse]],
) -> Callable[P, Awaitable[func.HttpResponse]]:
    """Wrap an async HTTP function (innermost decorator: the worker reads the signature through
    `functools.wraps`)."""

    @functools.wraps(handler)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> func.HttpResponse:
        try:
            return await handler(*args, **kwargs)
        except BadRequest as exc:
            return fail(400, str(exc))
        except Exception as exc:  # the last line of defence: every failure gets the envelope
            if _transient(exc):
                log.warning("%s unavailable dependency=%s", handler.__name__, type(exc).__name__)
                return fail(503, UNAVAILABLE)
            log.error("%s failed error=%s", handler.__name__, type(exc).__name__)
            return fail(500, INTERNAL)

    return guarded


def _transient(exc: Exception) -> bool:
    """Storage (azure.core), the task hub (the durable client's HTTP session) or an adapter error
    marked transient: worth the caller's retry."""
    if isinstance(exc, CalendaryError):
        return exc.transient
    # aiohttp is the durable client's HTTP session; azure.core's base error covers storage.
    return isinstance(exc, DurableUnavailable | aiohttp.ClientError | TimeoutError | az.AzureError)
