"""Function keys: which key a request carries, and whether it opens a function, as in Azure.

The Functions host reads the key from the `x-functions-key` header, or else from the `code` query
parameter. ANONYMOUS needs none; FUNCTION takes a host key, the system key or the master key;
ADMIN only the master key; the Durable extension's webhooks its system key or the master key
(a key of a higher level opens a lower one). A missing or wrong key is answered 401 with an
empty body. Keys come from the environment (local.settings.json Values become environment
variables); the fixed local defaults let `make run` just work.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import Response

MASTER_KEY_VARIABLE = "DEVHOST_MASTER_KEY"
FUNCTION_KEY_VARIABLE = "DEVHOST_FUNCTION_KEY"  # the host's "default" key
SYSTEM_KEY_VARIABLE = "DEVHOST_SYSTEM_KEY"  # the Durable extension's system key
DEFAULT_MASTER_KEY = "devhost-local-master-key"
DEFAULT_FUNCTION_KEY = "devhost-local-function-key"
DEFAULT_SYSTEM_KEY = "devhost-local-system-key"
KEY_HEADER = "x-functions-key"
KEY_QUERY = "code"

ANONYMOUS, FUNCTION, ADMIN, SYSTEM = "ANONYMOUS", "FUNCTION", "ADMIN", "SYSTEM"


def _env(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    return (os.environ if environ is None else environ).get(name) or default


def system_key() -> str:
    return _env(SYSTEM_KEY_VARIABLE, DEFAULT_SYSTEM_KEY)


@dataclass(frozen=True)
class Keys:
    master: str
    function: str
    system: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Keys:
        """From `environ` (default: this process's environment), each with its local default."""
        return cls(
            master=_env(MASTER_KEY_VARIABLE, DEFAULT_MASTER_KEY, environ),
            function=_env(FUNCTION_KEY_VARIABLE, DEFAULT_FUNCTION_KEY, environ),
            system=_env(SYSTEM_KEY_VARIABLE, DEFAULT_SYSTEM_KEY, environ),
        )

    def function_headers(self) -> dict[str, str]:
        """What a client of the app's functions sends: the host's default key, in the header."""
        return {KEY_HEADER: self.function}

    def accepted(self, level: str) -> tuple[str, ...]:
        """The keys that open a resource of this auth level (none needed for ANONYMOUS)."""
        level = level.upper()
        if level == ANONYMOUS:
            return ()
        if level == FUNCTION:  # a key of a higher level opens a lower one, as in Azure
            return (self.function, self.system, self.master)
        if level == SYSTEM:
            return (self.system, self.master)
        return (self.master,)  # ADMIN, and any level this host does not know: the strictest

    def allows(self, connection: HTTPConnection, level: str) -> bool:
        accepted = self.accepted(level)
        if not accepted:
            return True
        given = presented_key(connection)
        return given is not None and _any_equal(given, accepted)


def presented_key(connection: HTTPConnection) -> str | None:
    """The header, when present, wins over the query parameter, as in the Functions host (so a
    client sending one key in a default header cannot follow a link that carries another)."""
    if KEY_HEADER in connection.headers:
        return connection.headers[KEY_HEADER] or None
    return connection.query_params.get(KEY_QUERY) or None


def _any_equal(given: str, accepted: Iterable[str]) -> bool:
    # Compare against every key in constant time, so timing tells nothing about which was close.
    matches = [hmac.compare_digest(given.encode(), key.encode()) for key in accepted]
    return any(matches)


def unauthorized() -> Response:
    """Azure's answer to a missing or wrong key: 401, empty body."""
    return Response(status_code=401)
