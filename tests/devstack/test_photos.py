"""The sample-photo server of `make run` under a load run's burst of downloads."""

from __future__ import annotations

import asyncio

import httpx

from calendary.images.fetch import FetchLimits
from tools.devstack import photos

DOWNLOADS = 300


async def download_all(urls: list[str]) -> list[httpx.Response | BaseException]:
    # The service's image fetcher's timeouts: a connection the server's listen backlog
    # overflows waits on SYN retries (1 s, 3 s, 7 s) and fails its 5 s connect timeout.
    limits = FetchLimits()
    timeout = httpx.Timeout(connect=limits.connect_timeout, read=limits.read_timeout,
                            write=limits.read_timeout, pool=limits.connect_timeout)  # fmt: skip
    # No pool limit: every download opens its own connection at once, as a load run's do.
    pool = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=timeout, limits=pool) as client:
        return await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)


def test_300_concurrent_downloads_all_succeed() -> None:
    with photos.serving() as server:
        urls = [server.url(1 + i % photos.PHOTO_COUNT) for i in range(DOWNLOADS)]
        answers = asyncio.run(download_all(urls))
    failures = [a for a in answers if not isinstance(a, httpx.Response) or a.status_code != 200]
    assert failures == []
    for i, answer in enumerate(answers):
        assert isinstance(answer, httpx.Response)
        assert answer.content == photos.photo(1 + i % photos.PHOTO_COUNT)
