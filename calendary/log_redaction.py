"""httpx logs every request URL at INFO. Telegram file URLs carry the bot token in their path and
SAS links a signature in their query: both are masked before any handler sees the record."""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    (re.compile(r"/bot\d+:[A-Za-z0-9_-]+"), "/bot<redacted>"),
    (re.compile(r"([?&]sig=)[^&\s\"']+"), r"\1<redacted>"),
)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = message
        for pattern, replacement in _PATTERNS:
            masked = pattern.sub(replacement, masked)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install(logger_names: tuple[str, ...] = ("httpx",)) -> None:
    """Idempotent: attach the filter once to each logger that logs URLs."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
