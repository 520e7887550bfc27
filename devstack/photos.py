"""Sample photos for the local stack, served the way Telegram serves files: under the bot token.

`make run` serves them on :7073 and `make demo` on a free port, so the curl examples and the demo
send URLs shaped like Telegram's (`/file/bot<token>/photos/file_N.jpg`) and can show that the
token never reaches the service's responses, records, notifications or logs.
"""

from __future__ import annotations

import io
import random
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw, ImageOps

# Shaped like a real bot token (digits, colon, secret), but not one: it exists to be looked for.
BOT_TOKEN = "5550000001:AAF-local-demo-token-never-leaks"  # noqa: S105
PHOTO_COUNT = 6
SIZE = (640, 480)
_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/photos/file_(?P<n>[0-9]{1,3})\.jpg")


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


class _PhotoHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        match = _PATH.fullmatch(self.path)
        if match is None or match["token"] != BOT_TOKEN or not 1 <= int(match["n"]) <= 100:
            self.send_error(404)
            return
        body = photo(int(match["n"]))
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: every request path carries the bot token."""


class PhotoServer:
    """The sample photos over HTTP on 127.0.0.1, in a background thread."""

    def __init__(self, port: int = 0) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _PhotoHandler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, n: int) -> str:
        return self.origin + photo_path(n)

    def urls(self, count: int = PHOTO_COUNT) -> list[str]:
        return [self.url(n) for n in range(1, count + 1)]

    def start(self) -> PhotoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def serving(port: int = 0) -> Iterator[PhotoServer]:
    server = PhotoServer(port).start()
    try:
        yield server
    finally:
        server.stop()
