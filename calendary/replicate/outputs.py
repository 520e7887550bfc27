"""Fetching a prediction's output file before Replicate deletes it (about an hour after the run)."""

from __future__ import annotations

import base64
import binascii

import httpx

from calendary.errors import CalendaryError


class OutputUnavailable(CalendaryError):
    """The output cannot be had (gone, refused, not a file); `transient` when worth a retry."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message, transient=transient)


def _from_data_url(url: str) -> bytes:
    # Synchronous predictions may answer with `data:image/...;base64,...` instead of a link.
    header, _, payload = url.partition(",")
    if not header.endswith(";base64"):
        raise OutputUnavailable("unsupported data URL output", transient=False)
    try:
        return base64.b64decode(payload, validate=True)
    except binascii.Error:
        raise OutputUnavailable("malformed data URL output", transient=False) from None


async def download_output(http: httpx.AsyncClient, url: str, *, max_bytes: int) -> bytes:
    if url.startswith("data:"):
        return _from_data_url(url)
    if not url.startswith(("https://", "http://")):
        raise OutputUnavailable("the output is not a file URL", transient=False)
    try:
        async with http.stream("GET", url) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise OutputUnavailable(
                    f"output host answered {response.status_code}", transient=True
                )
            if response.status_code != 200:
                raise OutputUnavailable(f"output answered {response.status_code}", transient=False)
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise OutputUnavailable("the output is too large", transient=False)
            return bytes(body)
    except httpx.TransportError:
        raise OutputUnavailable("the output host could not be reached", transient=True) from None
