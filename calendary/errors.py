"""The one error taxonomy of the adapters: every failure says whether retrying can help.

Each adapter raises a subclass of `CalendaryError` (Replicate, delivery, image download, output
download, image decoding). Callers decide on `transient` alone: an activity raises a transient
failure so Durable's retry policy repeats it and returns a permanent one as a typed outcome; the
queue trigger raises a transient one so the host re-delivers the message.

`str()` of every such error is safe to log and to write into an orchestration history: adapters
build it from methods, paths, statuses and remote descriptions, never from a URL's query, a
header or a token.
"""

from __future__ import annotations


class CalendaryError(Exception):
    """Base of the adapters' errors.

    `transient` is the class's default (subclasses for a kind of failure set it) unless the
    raiser knows better for this instance; `retry_after` is the remote's hint in seconds.
    """

    transient: bool = False

    def __init__(
        self, message: str, *, transient: bool | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        if transient is not None:
            self.transient = transient
        self.retry_after = retry_after
