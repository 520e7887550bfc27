"""Around every `/v1` handler: injected request faults, the token check and the ledger entry."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.fakes.replicate import problems
from tools.fakes.replicate.faults import RequestFault

if TYPE_CHECKING:
    from tools.fakes.replicate.account import Account

Handler = Callable[[Request], Awaitable[Response]]


def guarded(account: Account, route: str, handler: Handler) -> Handler:
    """`handler` behind the next matching fault, the token check and one ledger entry."""

    async def endpoint(request: Request) -> Response:
        fault = account.faults.take_request(route, request.method)
        entry: dict[str, Any] = {
            "type": "request",
            "route": route,
            "method": request.method,
            "path": request.url.path,
            "fault": None,
        }
        # `after` without a status: the request is served at once, only the answer is late.
        late_answer = fault is not None and fault.after and fault.status is None
        if fault is not None and fault.delay and not late_answer:
            entry["fault"] = "slow"
            await request.body()  # the request arrived whole; only the answer is late
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.status is not None and not fault.after:
            response = fault_response(fault)
            entry["fault"] = f"status {fault.status}"
        else:
            response = authenticate(account, request) or await handler(request)
            if fault is not None and fault.status is not None:
                entry["fault"] = f"status {fault.status} after processing"
                entry["job_id"] = job_id_of(response)
                response = fault_response(fault)
            elif late_answer and fault is not None:
                entry["fault"] = "slow answer"
                await asyncio.sleep(fault.delay)
        entry.setdefault("job_id", job_id_of(response))
        account.ledger.record(status=response.status_code, **entry)
        return response

    return endpoint


def fault_response(fault: RequestFault) -> Response:
    if fault.status == 429:
        return problems.throttled(fault.retry_after if fault.retry_after is not None else 1)
    response = problems.server_error(fault.status or 500, fault.detail)
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(int(fault.retry_after))
    return response


def authenticate(account: Account, request: Request) -> Response | None:
    """None for a known token (`Bearer` or `Token` scheme), else Replicate's 401 answer."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not token.strip():
        return problems.unauthenticated(token_given=False)
    if token.strip() not in account.config.tokens:
        return problems.unauthenticated(token_given=True)
    return None


async def http_exception(_request: Request, exc: Exception) -> Response:
    """Unknown paths and wrong methods answer problem+json, as Replicate's do."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return problems.problem(404, "The requested resource could not be found.")
    if status == 405:
        return problems.problem(405, "Method not allowed.")
    return problems.problem(status, "Request failed.")


def job_id_of(response: Response) -> str | None:
    """The id of the job a 201 answer created, so the ledger ties the request to it."""
    if response.status_code != 201 or not isinstance(response, JSONResponse):
        return None
    match = re.search(rb'"id":"([a-z0-9]{26})"', response.body)
    return match.group(1).decode() if match else None
