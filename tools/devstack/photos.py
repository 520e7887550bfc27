"""Sample photos for the local stack, served by the fake Telegram as files of its bot.

`make run` serves them on :7073 (the fake Telegram's Bot API is there too) and `make demo` on a
free port, so the curl examples and the demo send Telegram file URLs
(`/file/bot<token>/photos/file_N.jpg`) and can show that the token never reaches the service's
responses, records, notifications or logs.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from PIL import Image, ImageDraw, ImageOps

from tools.fakes.telegram.app import FakeTelegram
from tools.fakes.telegram.server import BackgroundServer

# Shaped like a real bot token (digits, colon, secret), but not one: it exists to be looked for.
BOT_TOKEN = "5550000001:AAF-local-demo-token-never-leaks"  # noqa: S105
PHOTO_COUNT = 6
SIZE = (640, 480)


def photo_path(n: int) -> str:
    return f"/file/bot{BOT_TOKEN}/photos/file_{n}.jpg"


@cache
def photo(n: int) -> bytes:
    """A distinct JPEG per `n`, the same on every run: a coloured gradient and a figure."""
    rng = random.Random(n)
    dark = tuple(rng.randrange(0, 120) for _ in range(3))
    light = tuple(rng.randrange(136, 256) for _ in range(3))
    image = ImageOps.colorize(Image.linear_gradient("L").resize(SIZE), dark, light)
    draw = ImageDraw.Draw(image)
    cx, cy = SIZE[0] // 2 + rng.randrange(-80, 81), SIZE[1] // 2
    skin = (rng.randrange(180, 240), rng.randrange(140, 200), rng.randrange(110, 170))
    draw.ellipse((cx - 55, cy - 170, cx + 55, cy - 40), fill=skin)
    draw.rounded_rectangle((cx - 95, cy - 30, cx + 95, SIZE[1] + 20), radius=40, fill=dark)
    draw.text((16, 16), f"sample photo {n}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


class PhotoServer:
    """The fake Telegram (`tools.fakes.telegram`) on 127.0.0.1 in a background thread: the Bot
    API of a bot whose token is `BOT_TOKEN`, holding the sample photos as its files
    `photos/file_N.jpg`, so a photo URL is a Telegram file URL and n8n's Telegram nodes can use
    the same server.

    It is uvicorn (not a stdlib server with a listen backlog of 5): its backlog is uvicorn's
    2048, so a load run's 300 concurrent downloads all connect at once
    (`tests/devstack/test_photos.py` holds it to that)."""

    def __init__(self, port: int = 0) -> None:
        self.telegram = FakeTelegram(tokens=frozenset({BOT_TOKEN}))
        for n in range(1, PHOTO_COUNT + 1):
            self.telegram.add_file(photo(n), f"photos/file_{n}.jpg", "image/jpeg")
        self._server = BackgroundServer(self.telegram.app, "127.0.0.1", port)

    @property
    def origin(self) -> str:
        """The Bot API base URL (n8n's `baseUrl`, the service's `TelegramApiBaseUrl`)."""
        return self._server.origin

    def url(self, n: int) -> str:
        return self.origin + photo_path(n)

    def urls(self, count: int = PHOTO_COUNT) -> list[str]:
        return [self.url(n) for n in range(1, count + 1)]

    def start(self) -> PhotoServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()


@contextmanager
def serving(port: int = 0) -> Iterator[PhotoServer]:
    server = PhotoServer(port).start()
    try:
        yield server
    finally:
        server.stop()
