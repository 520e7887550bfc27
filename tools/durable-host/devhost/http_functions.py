"""Serving the app's HTTP-trigger functions under /api/<route>, like the Functions host."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from functools import partial
from typing import Any

import azure.functions as func
from starlette.requests import Request
from starlette.responses import Response

from devhost.binding import client_binding
from devhost.invoke import InvocationContext, http_response_parts
from devhost.keys import Keys, unauthorized
from devhost.loader import HttpFunction

log = logging.getLogger("devhost")
ROUTE_PREFIX = "/api/"
_PARAM = re.compile(r"\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::[^}?=]*)?(\?)?(?:=[^}]*)?\}")


def compile_route(template: str) -> re.Pattern[str]:
    """ASP.NET-style route template (`items/{id}`, `{id:int}`, `{id?}`, `{*rest}`) as a regex."""
    pattern, last = "", 0
    for match in _PARAM.finditer(template):
        literal = re.escape(template[last : match.start()])
        catch_all, name, optional = match.group(1), match.group(2), match.group(3)
        group = f"(?P<{name}>.+)" if catch_all else f"(?P<{name}>[^/]+)"
        if optional or catch_all:
            if literal.endswith("/"):
                literal = literal[:-1]
                group = f"(?:/{group})?"
            else:
                group = f"{group}?" if catch_all else f"(?:{group})?"
        pattern += literal + group
        last = match.end()
    pattern += re.escape(template[last:])
    return re.compile(f"^{pattern}/?$", re.IGNORECASE)


class HttpFunctions:
    def __init__(self, functions: list[HttpFunction], hub_name: str, pool: Any, keys: Keys) -> None:
        self._routes = [(compile_route(f.route), f) for f in functions]
        self._keys = keys
        self._hub_name = hub_name
        self._pool = pool

    def match(self, path: str, method: str) -> tuple[HttpFunction, dict[str, str]] | bool | None:
        """(function, route params); False when the path exists but not for this method."""
        seen = False
        for pattern, function in self._routes:
            found = pattern.match(path)
            if found:
                seen = True
                if method in function.methods:
                    params = {k: v for k, v in found.groupdict().items() if v is not None}
                    return function, params
        return False if seen else None

    async def __call__(self, request: Request) -> Response:
        path = request.url.path[len(ROUTE_PREFIX) :]
        found = self.match(path, request.method)
        if not found:
            return Response(status_code=405 if found is False else 404)
        function, route_params = found
        if not self._keys.allows(request, function.auth_level):
            log.info("Unauthorized: %s %s (%s)", request.method, request.url.path, function.name)
            return unauthorized()
        body = await request.body()
        req = func.HttpRequest(
            method=request.method,
            url=str(request.url),
            headers=dict(request.headers),
            params=dict(request.query_params),
            route_params=route_params,
            body=body,
        )
        invocation_id = str(uuid.uuid4())
        kwargs: dict[str, Any] = {function.trigger_param: req}
        if function.client_param:
            server = request.scope.get("server") or ("127.0.0.1", request.url.port)
            origin = f"{request.url.scheme}://{request.url.netloc}"
            rpc_origin = f"http://{server[0]}:{server[1]}"
            kwargs[function.client_param] = client_binding(origin, self._hub_name, rpc_origin)
        if function.wants_context:
            kwargs["context"] = InvocationContext(invocation_id, function.name)
        started = time.perf_counter()
        try:
            if function.is_async:
                result = await function.fn(**kwargs)
            else:
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(self._pool, partial(function.fn, **kwargs))
            status, headers, content = http_response_parts(result)
            outcome = "Succeeded"
        except Exception:
            log.exception("Function '%s' raised", function.name)
            status, headers, content, outcome = 500, {}, b"", "Failed"
        log.info(
            "Executed 'Functions.%s' (%s, Id=%s, Duration=%.0fms) %s %s -> %d",
            function.name, outcome, invocation_id, (time.perf_counter() - started) * 1000,
            request.method, request.url.path, status,
        )  # fmt: skip
        return Response(content, status_code=status, headers=headers)
