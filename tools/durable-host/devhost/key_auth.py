"""An httpx auth for clients of the local host: each request carries the key its API takes.

The app's functions (/api) get the host's function key, the durable API and the monitor the
system key, /admin the master key, all in the `x-functions-key` header, as a client configured
with the keys it was given in Azure. A request that already names a key (header or `code`, as the
links the extension hands out do) is sent as it is.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from devhost.key_gate import required_level
from devhost.keys import ADMIN, ANONYMOUS, KEY_HEADER, KEY_QUERY, SYSTEM, Keys


class KeyAuth(httpx.Auth):
    def __init__(self, keys: Keys) -> None:
        self.keys = keys

    def key_for(self, path: str) -> str:
        level = required_level(path)
        if level == SYSTEM:
            return self.keys.system
        if level == ADMIN:
            return self.keys.master
        assert level == ANONYMOUS  # /api/...: the function decides; the function key opens it
        return self.keys.function

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if KEY_HEADER not in request.headers and KEY_QUERY not in request.url.params:
            request.headers[KEY_HEADER] = self.key_for(request.url.path)
        yield request
