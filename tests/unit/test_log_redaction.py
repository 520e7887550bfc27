"""httpx's request log line never carries a bot token or a SAS query."""

from __future__ import annotations

import logging

import httpx
import pytest

from calendary.log_redaction import RedactUrls, redact_httpx_urls


def test_httpx_request_lines_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    redact_httpx_urls()
    redact_httpx_urls()  # idempotent: one filter
    filters = logging.getLogger("httpx").filters
    assert sum(isinstance(f, RedactUrls) for f in filters) == 1
    caplog.set_level(logging.INFO, logger="httpx")
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=transport) as client:
        client.get("https://api.telegram.org/file/bot123:SECRETtoken/photos/file_1.jpg")
        client.get("http://127.0.0.1:10000/acct/data/1/archive.zip?sv=2024&sig=SIGNATURE")
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines == [
        "HTTP Request: GET https://api.telegram.org/file/bot<redacted>/photos/file_1.jpg"
        ' "HTTP/1.1 200 OK"',
        'HTTP Request: GET http://127.0.0.1:10000/acct/data/1/archive.zip "HTTP/1.1 200 OK"',
    ]
