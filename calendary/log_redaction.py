"""Keeps secrets in URLs out of library logs.

httpx logs every request's full URL at INFO ("HTTP Request: GET <url> ..."). Image URLs from
Telegram carry the bot token in their path and storage URLs may carry a SAS query, so URL
arguments of httpx's records are written through `redact_url` instead.
"""

from __future__ import annotations

import logging

import httpx

from calendary.domain.image_urls import redact_url


class RedactUrls(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(str(a)) if isinstance(a, httpx.URL) or _looks_like_url(a) else a
                for a in record.args
            )
        return True


def _looks_like_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def redact_httpx_urls() -> None:
    """Install the filter on httpx's logger once per process."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, RedactUrls) for f in logger.filters):
        logger.addFilter(RedactUrls())
