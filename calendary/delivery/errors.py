"""Delivery outcomes the queue trigger acts on: retry (raise) or complete (return).

Messages name the channel, the method and the remote's own description, never a URL, a token or
a secret header, so they are safe in logs and in the host's exception telemetry.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """Base of the errors a sender raises."""

    transient: bool = False


class TransientDeliveryError(DeliveryError):
    """May succeed later (429, 5xx, transport errors, configuration the operator can fix).

    The queue trigger raises it, so the host retries and finally moves the message to
    `<queue>-poison`.
    """

    transient = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help (chat not found, bot blocked, photo link refused): complete, log."""
