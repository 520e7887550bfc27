"""Replicate adapter: typed client, API models, errors, webhook verification, our inputs.

Names load on first access (PEP 562): importing one submodule, say the errors, does not pull in
the client and its HTTP library, which the app would otherwise load at indexing time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calendary.replicate.client import ReplicateClient, RetryPolicy
    from calendary.replicate.errors import (
        AuthenticationError,
        ConflictError,
        InvalidRequestError,
        NotFoundError,
        PaymentRequiredError,
        PermanentError,
        PermissionDeniedError,
        RateLimitedError,
        ReplicateError,
        ServerError,
        TransientError,
        TransportError,
        UnexpectedResponseError,
    )
    from calendary.replicate.models import (
        TERMINAL_STATUSES,
        Model,
        ModelVersion,
        Prediction,
        PredictionPage,
        ProblemDetails,
        Training,
        TrainingOutput,
        TrainingPage,
        is_terminal,
        split_version,
    )
    from calendary.replicate.webhooks import (
        FutureTimestampError,
        InvalidSignatureError,
        MalformedSecretError,
        MalformedTimestampError,
        MissingHeadersError,
        StaleTimestampError,
        WebhookSecretProvider,
        WebhookVerificationError,
        verify,
    )

_HOME: dict[str, str] = {
    "ReplicateClient": "calendary.replicate.client",
    "RetryPolicy": "calendary.replicate.client",
    "AuthenticationError": "calendary.replicate.errors",
    "ConflictError": "calendary.replicate.errors",
    "InvalidRequestError": "calendary.replicate.errors",
    "NotFoundError": "calendary.replicate.errors",
    "PaymentRequiredError": "calendary.replicate.errors",
    "PermanentError": "calendary.replicate.errors",
    "PermissionDeniedError": "calendary.replicate.errors",
    "RateLimitedError": "calendary.replicate.errors",
    "ReplicateError": "calendary.replicate.errors",
    "ServerError": "calendary.replicate.errors",
    "TransientError": "calendary.replicate.errors",
    "TransportError": "calendary.replicate.errors",
    "UnexpectedResponseError": "calendary.replicate.errors",
    "TERMINAL_STATUSES": "calendary.replicate.models",
    "Model": "calendary.replicate.models",
    "ModelVersion": "calendary.replicate.models",
    "Prediction": "calendary.replicate.models",
    "PredictionPage": "calendary.replicate.models",
    "ProblemDetails": "calendary.replicate.models",
    "Training": "calendary.replicate.models",
    "TrainingOutput": "calendary.replicate.models",
    "TrainingPage": "calendary.replicate.models",
    "is_terminal": "calendary.replicate.models",
    "split_version": "calendary.replicate.models",
    "FutureTimestampError": "calendary.replicate.webhooks",
    "InvalidSignatureError": "calendary.replicate.webhooks",
    "MalformedSecretError": "calendary.replicate.webhooks",
    "MalformedTimestampError": "calendary.replicate.webhooks",
    "MissingHeadersError": "calendary.replicate.webhooks",
    "StaleTimestampError": "calendary.replicate.webhooks",
    "WebhookSecretProvider": "calendary.replicate.webhooks",
    "WebhookVerificationError": "calendary.replicate.webhooks",
    "verify": "calendary.replicate.webhooks",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "TERMINAL_STATUSES",
    "AuthenticationError",
    "ConflictError",
    "FutureTimestampError",
    "InvalidRequestError",
    "InvalidSignatureError",
    "MalformedSecretError",
    "MalformedTimestampError",
    "MissingHeadersError",
    "Model",
    "ModelVersion",
    "NotFoundError",
    "PaymentRequiredError",
    "PermanentError",
    "PermissionDeniedError",
    "Prediction",
    "PredictionPage",
    "ProblemDetails",
    "RateLimitedError",
    "ReplicateClient",
    "ReplicateError",
    "RetryPolicy",
    "ServerError",
    "StaleTimestampError",
    "Training",
    "TrainingOutput",
    "TrainingPage",
    "TransientError",
    "TransportError",
    "UnexpectedResponseError",
    "WebhookSecretProvider",
    "WebhookVerificationError",
    "is_terminal",
    "split_version",
    "verify",
]
