"""Running the host from tests: in-process on an ephemeral port, or as a subprocess."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

import uvicorn
from azure.functions import FunctionRegister

from devhost.engine import Engine
from devhost.idle import TimeSkipper
from devhost.keys import Keys
from devhost.server import KEEP_ALIVE_SECONDS, HostConfig, bind, create_host

T = TypeVar("T")
ClockMode = Literal["real", "skip", "manual"]


@dataclass
class RunningHost:
    base_url: str
    engine: Engine
    loop: asyncio.AbstractEventLoop
    idle: TimeSkipper  # what counts as work in flight; it skips time when the clock is "skip"
    clock: ClockMode = "real"
    keys: Keys = field(default_factory=Keys.from_env)  # what it takes: send one, as Azure wants

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run a coroutine on the host's loop (where the engine lives) and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def now(self) -> datetime:
        """The host's clock: what `current_utc_datetime` and history timestamps show."""
        return self.engine.clock.now()

    def advance(self, delta: timedelta, settle: float = 30) -> None:
        """Move the host clock forward by `delta`, then wait until every timer that became due
        has fired and the work it started is done (up to `settle` seconds)."""

        async def jump() -> None:
            self.engine.clock.advance_to(self.engine.clock.now() + delta)
            await self.idle.settle(settle)

        self.call(jump(), timeout=settle + 5)

    def advance_to(self, moment: datetime, settle: float = 30) -> None:
        """Like `advance`, to a moment (an earlier one changes nothing: time never runs back)."""
        self.advance(max(timedelta(0), moment - self.now()), settle)


@contextmanager
def running_host(
    app: str | FunctionRegister = "function_app:app",
    *,
    time_scale: float = 1.0,
    clock: ClockMode = "real",
    skip_grace: float = 0.0,
    database: str | None = None,
    host_json: str = "host.json",
) -> Iterator[RunningHost]:
    """The host in a background thread with its own event loop, on 127.0.0.1:<ephemeral>.

    `clock`: "real" runs durable timers in real time (divided by `time_scale`); "skip" jumps
    the clock to the earliest timer whenever only timers are pending (after the host stayed idle
    `skip_grace` real seconds); "manual" jumps only when the test calls `advance`.
    """
    if clock not in ("real", "skip", "manual"):
        raise ValueError(f"unknown clock mode {clock!r}")
    config = HostConfig(
        app=app, port=0, time_scale=time_scale, in_memory=database is None, host_json=host_json
    )
    if database is not None:
        config.state_dir = str(Path(database).parent)
    asgi, engine = create_host(config)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    engine.origin = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(
            asgi,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=lambda: loop.run_until_complete(server.serve(sockets=[sock])),
        name="devhost",
        daemon=True,
    )
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("devhost failed to start")
        threading.Event().wait(0.01)
    running = RunningHost(
        f"http://127.0.0.1:{port}", engine, loop, TimeSkipper(engine, grace=skip_grace), clock,
        asgi.state.keys,
    )  # fmt: skip
    skipping = running.call(_spawn(running.idle.run())) if clock == "skip" else None
    try:
        yield running
    finally:
        if skipping is not None:
            loop.call_soon_threadsafe(skipping.cancel)
        server.should_exit = True
        thread.join(timeout=10)
        loop.close()
        sock.close()


async def _spawn(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    return asyncio.ensure_future(coro)


@dataclass
class HostProcess:
    process: subprocess.Popen[str]
    base_url: str
    keys: Keys = field(default_factory=Keys.from_env)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def spawn_host(
    app: str,
    state_dir: Path,
    *,
    time_scale: float = 1.0,
    env: dict[str, str] | None = None,
    host_json: str = "host.json",
    cwd: Path | None = None,
) -> HostProcess:
    """`python -m devhost` with file-backed state on an ephemeral port; waits until it listens.

    The app is imported in the new process, so settings read at import (which functions are
    registered) come from `env`. The app is imported from `cwd` (default: the current
    directory), and a relative `host_json` is relative to it.
    """
    args = [sys.executable, "-m", "devhost", "--app", app, "--port", "0",
            "--state-dir", str(state_dir), "--time-scale", str(time_scale),
            "--host-json", host_json]  # fmt: skip
    environment = {**os.environ, **(env or {})}
    process = subprocess.Popen(  # noqa: S603
        args,
        cwd=cwd or Path.cwd(),
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("devhost listening on "):
            base_url = line.split()[-1]
            break
    else:
        raise RuntimeError(f"devhost exited with {process.wait()}")
    # Keep draining its output so the pipe never fills up and blocks the host.
    threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
    return HostProcess(process, base_url, Keys.from_env(environment))
