"""Test helpers: the fake (or any ASGI app) served on an ephemeral loopback port in a thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tools.fakes.replicate.app import FakeReplicate
from tools.fakes.replicate.config import FakeConfig


@contextlib.contextmanager
def serve_app(app: ASGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` with uvicorn on `host`, port 0, in a daemon thread; yields `http://host:port`."""
    config = uvicorn.Config(app, host=host, port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class RunningFake:
    fake: FakeReplicate  # the control handle (fault injection, ledger, clock)
    origin: str  # http://127.0.0.1:<port>
    base_url: str  # origin + "/v1": the value for ReplicateBaseUrl
    api_key: str

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        """Poll `predicate()` until true (jobs and webhooks run on the fake's own thread)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            time.sleep(0.01)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Until every job has ended and every webhook delivery is over."""
        self.wait_for(self.fake.idle, timeout)


@contextlib.contextmanager
def running_fake(
    config: FakeConfig | None = None, host: str = "127.0.0.1"
) -> Iterator[RunningFake]:
    """Start a fake Replicate for one test (instant schedules by default)."""
    fake = FakeReplicate(config)
    with serve_app(fake.app, host) as origin:
        yield RunningFake(fake, origin, f"{origin}/v1", sorted(fake.config.tokens)[0])


@dataclass
class Received:
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class StubSite:
    """A tiny local web site: serves `files` by path and records every POST (e.g. webhooks).

    `statuses` are answered to POSTs in order (then 200), to make webhook receivers fail.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    origin: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def app(self) -> Starlette:
        async def get(request: Request) -> Response:
            content = self.files.get(request.url.path)
            return Response(status_code=404) if content is None else Response(content)

        async def post(request: Request) -> Response:
            body = await request.body()
            with self._lock:
                self.received.append(
                    Received(request.url.path, request.url.query, dict(request.headers), body)
                )
                status = self.statuses.pop(0) if self.statuses else 200
            return Response(status_code=status)

        return Starlette(
            routes=[
                Route("/{path:path}", get, methods=["GET"]),
                Route("/{path:path}", post, methods=["POST"]),
            ]
        )

    def wait_for_posts(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {count} POSTs, got {len(self.received)}")
            time.sleep(0.01)
        return list(self.received)

    async def await_posts(self, count: int, within: float = 10.0) -> list[Received]:
        return await asyncio.to_thread(self.wait_for_posts, count, within)


@contextlib.contextmanager
def stub_site(files: dict[str, bytes] | None = None) -> Iterator[StubSite]:
    site = StubSite(files=dict(files or {}))
    with serve_app(site.app()) as origin:
        site.origin = origin
        yield site
