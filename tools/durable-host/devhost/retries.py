"""Retry delays of `call_*_with_retry`, as DTFx's RetryInterceptor computes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any


def retry_delay(options: dict[str, Any], attempt: int) -> timedelta:
    """Delay after failed attempt number `attempt` (1-based).

    The Python SDK serializes only the first interval and the attempt count; the backoff
    coefficient and the maximum interval are honoured when a custom RetryOptions sends them.
    """
    first = float(options.get("firstRetryIntervalInMilliseconds") or 0)
    coefficient = float(options.get("backoffCoefficient") or 1)
    delay = first * coefficient ** (attempt - 1)
    cap = options.get("maxRetryIntervalInMilliseconds")
    if cap:
        delay = min(delay, float(cap))
    return timedelta(milliseconds=delay)


def max_attempts(options: dict[str, Any]) -> int:
    return int(options.get("maxNumberOfAttempts") or 1)
