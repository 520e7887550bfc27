"""Typed Replicate errors: permanent ones must not be retried, transient ones carry a retry hint.

Messages carry the method, the path (never a query string or header) and Replicate's problem
details, so they are safe to log: the API token cannot appear in them.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping

import httpx
from pydantic import ValidationError

from calendary.errors import CalendaryError
from calendary.replicate.models import InvalidField, ProblemDetails

_APPROX_SECONDS = re.compile(r"~\s*(\d+(?:\.\d+)?)\s*s\b")


class ReplicateError(CalendaryError):
    """Base of every error raised by the Replicate client."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        problem: ProblemDetails | None = None,
        retry_after: float | None = None,
    ) -> None:
        where = f"{method} {path}: " if method and path else ""
        super().__init__(f"{where}{message}", retry_after=retry_after)
        self.method = method
        self.path = path
        self.status = status
        self.problem = problem


class PermanentError(ReplicateError):
    """Retrying cannot help (bad token, no credit, unknown id, invalid input...)."""


class TransientError(ReplicateError):
    """May succeed later; `retry_after` is Replicate's hint in seconds when it gave one."""

    transient = True


class AuthenticationError(PermanentError):
    """401: missing or invalid API token."""


class PaymentRequiredError(PermanentError):
    """402: insufficient credit."""


class PermissionDeniedError(PermanentError):
    """403: the token may not act on that owner or model."""


class NotFoundError(PermanentError):
    """404: unknown model, training or prediction, or a training destination that does not exist."""


class ConflictError(PermanentError):
    """409: e.g. a model with that owner and name already exists (also after it was deleted)."""


class InvalidRequestError(PermanentError):
    """422 (or another 4xx): invalid version or input; `invalid_fields` lists what was wrong."""

    @property
    def invalid_fields(self) -> list[InvalidField]:
        return [] if self.problem is None else self.problem.invalid_fields


class UnexpectedResponseError(PermanentError):
    """A 2xx answer whose body is not the documented object."""


class RateLimitedError(TransientError):
    """429: throttled."""


class ServerError(TransientError):
    """5xx from Replicate."""


class TransportError(TransientError):
    """Connection failure or timeout; the request may or may not have reached Replicate."""


_PERMANENT_BY_STATUS: dict[int, type[PermanentError]] = {
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: InvalidRequestError,
}


def parse_problem(response: httpx.Response) -> ProblemDetails | None:
    try:
        return ProblemDetails.model_validate_json(response.content)
    except ValidationError:
        return None


def retry_hint(headers: Mapping[str, str], problem: ProblemDetails | None) -> float | None:
    """Seconds to wait: `Retry-After`, else the body's `retry_after`, else `~Ns` in `detail`."""
    header = headers.get("retry-after")
    if header:
        header = header.strip()
        try:
            return max(0.0, float(header))
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(header)
            except (TypeError, ValueError):
                parsed = None
            if parsed is not None:
                return max(0.0, parsed.timestamp() - time.time())
    if problem is not None:
        if problem.retry_after is not None:
            return max(0.0, problem.retry_after)
        if isinstance(problem.detail, str):
            match = _APPROX_SECONDS.search(problem.detail)
            if match:
                return float(match.group(1))
    return None


def error_from_response(response: httpx.Response, *, method: str, path: str) -> ReplicateError:
    """Map a non-2xx response to the typed error for its status."""
    status = response.status_code
    problem = parse_problem(response)
    message = f"HTTP {status}: {problem.message if problem else response.reason_phrase}"
    common: dict[str, object] = {
        "method": method,
        "path": path,
        "status": status,
        "problem": problem,
    }
    if status == 429:
        return RateLimitedError(
            message, retry_after=retry_hint(response.headers, problem), **common
        )
    if status >= 500:
        return ServerError(message, retry_after=retry_hint(response.headers, problem), **common)
    error_type = _PERMANENT_BY_STATUS.get(status, InvalidRequestError)
    return error_type(message, **common)  # type: ignore[arg-type]
