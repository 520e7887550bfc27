"""Routes of the monitor page.

The page itself talks to the durable HTTP API for one instance (status with history, raise event,
terminate, purge). The list comes from /monitor/api/instances because the durable API's list has
no history sizes and no replay timings, which are what an operator watches on this host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from devhost.engine import Engine
from devhost.status import payload

ASSETS = Path(__file__).parent
# Only these files are served: a request can never name a path of its own.
FILES = {
    "index.html": "text/html; charset=utf-8",
    "monitor.js": "text/javascript; charset=utf-8",
    "monitor.css": "text/css; charset=utf-8",
}
# Everything comes from this origin; no inline script, so injected markup could not run anyway.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
STATUSES = ("Pending", "Running", "Suspended", "ContinuedAsNew", "Completed", "Failed",
            "Terminated", "Canceled")  # fmt: skip
DEFAULT_TOP = 500


def _asset(name: str) -> Response:
    return Response((ASSETS / name).read_bytes(), media_type=FILES[name], headers=SECURITY_HEADERS)


async def page(_: Request) -> Response:
    return _asset("index.html")


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in FILES:
        return Response(status_code=404)
    return _asset(name)


async def to_page(request: Request) -> Response:
    query = request.url.query  # keeps the page's key (?code=) on the way
    return RedirectResponse(f"/monitor?{query}" if query else "/monitor", status_code=308)


def _last_replay_ms(engine: Engine) -> dict[str, float]:
    latest: dict[str, float] = {}
    for stat in engine.stats:
        latest[stat.instance_id] = round(stat.replay_seconds * 1000, 2)
    return latest


def _bad_request(message: str) -> Response:
    return JSONResponse({"success": False, "error": message}, status_code=400)


async def instances(request: Request) -> Response:
    """Newest first: the durable status payload plus history size and the last replay time."""
    engine: Engine = request.app.state.engine
    statuses = [s for s in request.query_params.get("status", "").split(",") if s]
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        return _bad_request(f"unknown status {unknown[0]!r}; known: {', '.join(STATUSES)}")
    try:
        top = int(request.query_params.get("top", DEFAULT_TOP))
    except ValueError:
        return _bad_request("top must be a whole number")
    rows = engine.store.instances(statuses=statuses or None, limit=max(1, min(top, 5000)))
    sizes = engine.store.history_sizes()
    replays = _last_replay_ms(engine)
    items: list[dict[str, Any]] = []
    for row in rows:
        item = payload(row, show_input=False)
        item["historyEvents"] = sizes.get((row["instance_id"], row["execution_id"]), 0)
        item["lastReplayMs"] = replays.get(row["instance_id"])
        items.append(item)
    return JSONResponse({"hub": engine.hub_name, "statuses": list(STATUSES), "instances": items})


ROUTES = [
    Route("/monitor", page, methods=["GET"]),
    Route("/monitor/", to_page, methods=["GET"]),
    Route("/monitor/api/instances", instances, methods=["GET"]),
    Route("/monitor/{name}", asset, methods=["GET"]),
]
