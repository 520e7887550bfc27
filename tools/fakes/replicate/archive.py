"""What the trainer does first: download `input_images` and find the images in the zip."""

from __future__ import annotations

import asyncio
import tempfile
import zipfile
from pathlib import PurePosixPath
from typing import IO

import httpx
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})


class ArchiveError(Exception):
    """The training fails with this message, as the trainer would fail."""


async def count_training_images(
    http: httpx.AsyncClient, url: str | None, *, time_limit: float, max_bytes: int
) -> int:
    if not url:
        raise ArchiveError("input_images must be provided")
    if not url.startswith(("http://", "https://")):
        raise ArchiveError("input_images must be a URL to a zip file")
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - closed below
    try:
        await _download(http, url, spool, time_limit=time_limit, max_bytes=max_bytes)
        return await asyncio.to_thread(_count_images, spool)
    finally:
        spool.close()


async def _download(
    http: httpx.AsyncClient, url: str, sink: IO[bytes], *, time_limit: float, max_bytes: int
) -> None:
    try:
        async with http.stream("GET", url, timeout=time_limit, follow_redirects=True) as response:
            if response.status_code != 200:
                raise ArchiveError(f"Failed to download input_images: HTTP {response.status_code}")
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise ArchiveError("input_images is too large")
                sink.write(chunk)
    except httpx.HTTPError as exc:
        raise ArchiveError(f"Failed to download input_images: {type(exc).__name__}") from None


def _count_images(spool: IO[bytes]) -> int:
    spool.seek(0)
    if not zipfile.is_zipfile(spool):
        raise ArchiveError("input_images must be a zip file")
    spool.seek(0)
    valid = 0
    with zipfile.ZipFile(spool) as archive:
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if info.is_dir() or path.parts[:1] == ("__MACOSX",) or path.name.startswith("._"):
                continue
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            try:
                with archive.open(info) as member, Image.open(member) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError, zipfile.BadZipFile):
                continue
            valid += 1
    if valid == 0:
        raise ArchiveError("No valid images found in input_images (expected .jpg, .png or .webp)")
    return valid
