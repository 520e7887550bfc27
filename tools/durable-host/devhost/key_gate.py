"""The key check in front of the host's own APIs (webhooks, admin, monitor), as Azure guards them.

HTTP functions under /api are checked per function (their auth level) in http_functions.py.
"""

from __future__ import annotations

from ipaddress import ip_address

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from devhost.binding import RPC_PATH, WEBHOOK_PATH
from devhost.keys import ADMIN, ANONYMOUS, SYSTEM, Keys, unauthorized

# The monitor's page and data show every instance, so they take the same keys as the webhooks;
# its script and style sheet hold no data.
OPEN_MONITOR_FILES = frozenset({"/monitor/monitor.js", "/monitor/monitor.css"})


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def required_level(path: str) -> str:
    if _under(path, WEBHOOK_PATH):
        return SYSTEM
    if _under(path, "/admin"):
        return ADMIN
    if _under(path, "/monitor") and path not in OPEN_MONITOR_FILES:
        return SYSTEM
    return ANONYMOUS  # /api/... is checked per function; anything else is a 404 anyway


def _is_loopback(connection: HTTPConnection) -> bool:
    client = connection.client
    if client is None:
        return False
    try:
        return ip_address(client.host).is_loopback
    except ValueError:
        return False


class KeyGate:
    def __init__(self, app: ASGIApp, keys: Keys) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            connection = HTTPConnection(scope)
            path = connection.url.path
            if _under(path, RPC_PATH):
                # Azure's rpc listener is reachable from the machine itself only.
                allowed = _is_loopback(connection)
            else:
                allowed = self.keys.allows(connection, required_level(path))
            if not allowed:
                await unauthorized()(scope, receive, send)
                return
        await self.app(scope, receive, send)
