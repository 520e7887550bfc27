"""The fake served by uvicorn in a background thread, on a given port (0: any free one)."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp


class BackgroundServer:
    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-telegram", daemon=True)
        self.origin = ""

    def start(self, timeout: float = 10.0) -> str:
        """Serve and return `http://host:port` once the socket listens."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake Telegram did not start (is the port taken?)")
            time.sleep(0.01)
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        self.origin = f"http://{host}:{port}"
        return self.origin

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
