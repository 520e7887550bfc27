"""Delivery outcomes the queue trigger acts on: retry (raise) or complete (return).

Messages name the channel, the method and the remote's own description, never a URL, a token or
a secret header, so they are safe in logs and in the host's exception telemetry.
"""

from __future__ import annotations

from calendary.errors import CalendaryError


class DeliveryError(CalendaryError):
    """Base of the errors a sender raises."""


class TransientDeliveryError(DeliveryError):
    """May succeed later (429, 5xx, transport errors, configuration the operator can fix).

    The queue trigger raises it, so the host retries and finally moves the message to
    `<queue>-poison`.
    """

    transient = True


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help (chat not found, bot blocked, photo link refused): complete, log."""
