"""How every activity translates an adapter's `CalendaryError`, the same way for all of them.

Transient: raise `TransientFailure`, so the retry policy the workflow declared repeats the call.
Permanent: hand the error back, and the activity returns it as its typed permanent outcome.

`TransientFailure`'s message lands in the orchestration history, so it is built from the error's
safe text only and never chained to the original error (whose context may hold a URL or token).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from calendary.errors import CalendaryError

log = logging.getLogger(__name__)
T = TypeVar("T")


class TransientFailure(Exception):
    """The one exception activities raise on purpose: worth a Durable retry."""


def raise_if_transient(exc: CalendaryError, what: str) -> CalendaryError:
    """Raise `TransientFailure` for a transient error; return a permanent one to the caller."""
    if exc.transient:
        log.warning("%s failed, will retry: %s", what, exc)
        raise TransientFailure(f"{what}: {exc}") from None
    return exc


async def transient_raises(call: Awaitable[T], what: str) -> T:
    """Await `call`; a transient adapter error becomes `TransientFailure`, a permanent one stays."""
    try:
        return await call
    except CalendaryError as exc:
        raise_if_transient(exc, what)
        raise
