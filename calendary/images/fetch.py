"""Downloading an image URL safely: allow-listed hosts, public addresses, no redirects, a byte cap.

The connection goes to the address we checked (the URL's host is sent as Host header and TLS
server name), so a DNS answer that changes between check and connect cannot redirect it.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from typing import Literal

import httpx

from calendary.domain.image_urls import ImageUrlError, ImageUrlPolicy, check_image_url
from calendary.errors import CalendaryError
from calendary.images.addresses import Resolver, refusal, resolve
from calendary.settings import Settings

FetchFailure = Literal[
    "url_refused", "address_refused", "redirect", "too_large", "timeout", "http_status", "network"
]


class ImageFetchError(CalendaryError):
    """Why an image could not be downloaded. `str()` is safe for users: it never holds the URL.

    `transient` failures (timeouts, network errors, 429/5xx) are worth a retry; the rest are not.
    """

    def __init__(self, reason: FetchFailure, message: str, *, transient: bool = False) -> None:
        super().__init__(message, transient=transient)
        self.reason = reason


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 20 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    # A server trickling bytes never trips the read timeout; this bounds the whole download.
    total_timeout: float = 60.0


@dataclass(frozen=True)
class DownloadedImage:
    data: bytes
    content_type: str | None


def _caused_by_certificate(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class ImageFetcher:
    """One long-lived client per process; `fetch` is safe to call concurrently."""

    def __init__(
        self,
        policy: ImageUrlPolicy,
        limits: FetchLimits | None = None,
        *,
        resolver: Resolver = resolve,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self._policy = policy
        self._limits = limits or FetchLimits()
        self._resolver = resolver
        timeout = httpx.Timeout(
            connect=self._limits.connect_timeout,
            read=self._limits.read_timeout,
            write=self._limits.read_timeout,
            pool=self._limits.connect_timeout,
        )
        self._client = httpx.AsyncClient(
            follow_redirects=False, timeout=timeout, trust_env=False, verify=verify
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str) -> DownloadedImage:
        try:
            checked = check_image_url(url, self._policy)
        except ImageUrlError as exc:
            raise ImageFetchError("url_refused", str(exc)) from None
        try:
            async with asyncio.timeout(self._limits.total_timeout):
                address = await self._pick_address(checked.host, checked.port)
                return await self._download(checked.url, checked.host, address)
        except TimeoutError:
            raise ImageFetchError(
                "timeout", "the image download timed out", transient=True
            ) from None
        except httpx.TimeoutException:
            raise ImageFetchError(
                "timeout", "the image download timed out", transient=True
            ) from None
        except httpx.HTTPError as exc:
            if _caused_by_certificate(exc):
                raise ImageFetchError(
                    "network", "the image server's certificate is not valid"
                ) from None
            raise ImageFetchError(
                "network", "the image server could not be reached", transient=True
            ) from None

    async def _pick_address(self, host: str, port: int) -> str:
        try:
            addresses = await self._resolver(host, port)
        except OSError:
            raise ImageFetchError(
                "network", "the image host could not be resolved", transient=True
            ) from None
        if not addresses:
            raise ImageFetchError("network", "the image host could not be resolved", transient=True)
        # Every answer must pass: otherwise a mixed answer could steer a retry inside.
        for address in addresses:
            why = refusal(address, self._policy.allowed_hosts)
            if why is not None:
                raise ImageFetchError("address_refused", f"the image host resolves to a {why}")
        return str(addresses[0])

    async def _download(self, url: str, host: str, address: str) -> DownloadedImage:
        target = httpx.URL(url)
        pinned = target.copy_with(host=address)
        headers = {"Host": target.netloc.decode("ascii"), "Accept-Encoding": "identity"}
        request = self._client.build_request(
            "GET", pinned, headers=headers, extensions={"sni_hostname": host}
        )
        response = await self._client.send(request, stream=True)
        try:
            return await self._read(response)
        finally:
            await response.aclose()

    async def _read(self, response: httpx.Response) -> DownloadedImage:
        status = response.status_code
        if 300 <= status < 400:
            raise ImageFetchError("redirect", "the image URL redirects, which is not allowed")
        if status != 200:
            transient = status == 429 or status >= 500
            raise ImageFetchError(
                "http_status", f"the image server answered {status}", transient=transient
            )
        limit = self._limits.max_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise ImageFetchError("too_large", f"the image is larger than {limit} bytes")
        body = bytearray()
        # Raw bytes: a compressed body is never inflated, so the cap holds on the wire.
        async for chunk in response.aiter_raw():
            body += chunk
            if len(body) > limit:
                raise ImageFetchError("too_large", f"the image is larger than {limit} bytes")
        return DownloadedImage(bytes(body), response.headers.get("content-type"))


def fetcher_from_settings(settings: Settings) -> ImageFetcher:
    limits = FetchLimits(
        max_bytes=settings.max_image_bytes,
        total_timeout=settings.image_download_timeout.total_seconds(),
    )
    return ImageFetcher(ImageUrlPolicy.from_setting(settings.image_url_allowed_hosts), limits)
