"""Starters check a request against the version's published schema before starting anything:
a value the model cannot take is a 400 naming the field and what fits, before any model or job
exists on Replicate."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import azure.functions as func

from api.envelope import fail
from calendary.replicate.checked_inputs import InputRefused, SchemaError
from calendary.replicate.errors import PermanentError, TransientError

log = logging.getLogger(__name__)


async def refused(check: Awaitable[Any], what: str, *, ours: bool) -> func.HttpResponse | None:
    """None when the input fits; else the answer. `ours`: the version is our configuration (the
    trainer), so a version Replicate will not show is a 503, not the caller's fault (502)."""
    try:
        await check
    except InputRefused as exc:
        return fail(400, str(exc))
    except SchemaError as exc:
        log.error("%s has no usable input schema: %s", what, exc)
        return fail(503 if ours else 502, f"{what} publishes no usable input schema: {exc}")
    except TransientError as exc:
        log.warning("reading the schema of %s failed status=%s", what, exc.status)
        return fail(503, f"Replicate is unavailable, could not read {what}; try again")
    except PermanentError as exc:
        log.error("replicate refused the schema of %s status=%s", what, exc.status)
        return fail(503 if ours else 502, f"Replicate refused to show {what} ({exc.status})")
    return None
