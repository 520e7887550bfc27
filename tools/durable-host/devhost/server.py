"""The ASGI app: HTTP functions under /api, the durable API and /monitor, on one event loop."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azure.functions import FunctionRegister
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from devhost.clock import Clock
from devhost.durable_api import ROUTES as DURABLE_ROUTES
from devhost.engine import Engine
from devhost.http_functions import ROUTE_PREFIX, HttpFunctions
from devhost.key_gate import KeyGate
from devhost.keys import Keys
from devhost.loader import ALL_METHODS, DEFAULT_APP, index_app, load_app
from devhost.monitor import ROUTES as MONITOR_ROUTES
from devhost.queues import QueueListener, QueueOptions
from devhost.store import Store
from devhost.timer_triggers import ScheduleMonitor, TimerTrigger
from devhost.versioning import Versioning

log = logging.getLogger("devhost")


@dataclass
class HostConfig:
    app: str | FunctionRegister = DEFAULT_APP  # "module:attribute", or the app object itself
    host: str = "127.0.0.1"
    port: int = 7071
    in_memory: bool = False
    state_dir: str = ".devhost"
    time_scale: float = 1.0
    host_json: str = "host.json"

    @property
    def database(self) -> str:
        return ":memory:" if self.in_memory else str(Path(self.state_dir) / "state.db")


def read_host_json(path: str) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        return {}


def hub_name(config: dict[str, Any]) -> str:
    """The task hub name from host.json, as the extension reads it."""
    return config.get("extensions", {}).get("durableTask", {}).get("hubName") or "TestHubName"


def queue_listeners(engine: Engine, options: QueueOptions) -> list[QueueListener]:
    listeners = []
    for function in engine.index.queues:
        try:
            listeners.append(QueueListener(function, options, engine.activity_pool))
        except (KeyError, ValueError) as exc:
            log.error("Queue trigger '%s' is disabled: %s", function.name, exc)
    return listeners


def timer_triggers(engine: Engine, monitor: ScheduleMonitor) -> dict[str, TimerTrigger]:
    triggers = {}
    for function in engine.index.timers:
        try:
            triggers[function.name.lower()] = TimerTrigger(
                function, engine.clock, monitor, engine.activity_pool, engine.client_binding
            )
        except (KeyError, ValueError) as exc:
            log.error("Timer trigger '%s' is disabled: %s", function.name, exc)
    return triggers


async def _close_sdk_session() -> None:
    # The SDK keeps one module-global aiohttp session bound to this loop.
    from azure.durable_functions.models.utils import http_utils

    close = getattr(http_utils, "_close_session", None)
    if close is not None:
        await close()


def create_host(config: HostConfig) -> tuple[Starlette, Engine]:
    index = index_app(load_app(config.app) if isinstance(config.app, str) else config.app)
    host_json = read_host_json(config.host_json)
    engine = Engine(
        index, Store(config.database), Clock(config.time_scale), hub_name(host_json),
        Versioning.from_host_json(host_json),
    )  # fmt: skip
    queue_options = QueueOptions.from_host_json(host_json)
    keys = Keys.from_env()
    functions = HttpFunctions(index.http, engine.hub_name, engine.activity_pool, keys)

    monitor = ScheduleMonitor(None if config.in_memory else Path(config.state_dir) / "timers")
    timers: dict[str, TimerTrigger] = {}
    runs: set[asyncio.Future[bool]] = set()

    async def serve_function(request: Request) -> Response:
        return await functions(request)

    async def run_function(request: Request) -> Response:
        """`POST /admin/functions/{name}`: run a non-HTTP function now, as the Functions host's
        admin API does (a timer function gets `IsPastDue` false)."""
        trigger = timers.get(request.path_params["name"].lower())
        if trigger is None:
            return Response(status_code=404)
        run = asyncio.ensure_future(trigger.invoke(past_due=False))
        runs.add(run)
        run.add_done_callback(runs.discard)
        return Response(status_code=202)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await engine.start()
        pollers = [asyncio.ensure_future(q.run()) for q in queue_listeners(engine, queue_options)]
        timers.update(timer_triggers(engine, monitor))
        pollers += [asyncio.ensure_future(t.run()) for t in timers.values()]
        yield
        for poller in pollers:
            poller.cancel()
        await asyncio.gather(*pollers, return_exceptions=True)
        await engine.stop()
        await _close_sdk_session()
        engine.store.close()

    routes = [
        *DURABLE_ROUTES,
        *MONITOR_ROUTES,
        Route("/admin/functions/{name}", run_function, methods=["POST"]),
        Route(f"{ROUTE_PREFIX}{{path:path}}", serve_function, methods=list(ALL_METHODS)),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(KeyGate, keys=keys)])
    app.state.engine = engine
    app.state.keys = keys
    return app, engine


# Idle keep-alive connections stay open 130 s, as in the Functions host (Kestrel's default).
# The Durable SDK's shared aiohttp session reuses idle connections for up to 15 s; a server
# closing them sooner (uvicorn's default is 5 s) races a request sent on one just as it closes,
# and the client's call fails with ServerDisconnectedError (seen on start_new under load).
KEEP_ALIVE_SECONDS = 130


def bind(host: str, port: int) -> socket.socket:
    """Bind before serving so port 0 gives a known ephemeral port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)  # connections wait in the backlog until the server starts accepting
    return sock
