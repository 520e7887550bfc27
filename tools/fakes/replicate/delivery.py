"""Output files under `/delivery/<token>/<name>` (Replicate's `replicate.delivery` URLs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from tools.fakes.replicate import problems
from tools.fakes.replicate.expiry import is_expired

if TYPE_CHECKING:
    from tools.fakes.replicate.account import Account
    from tools.fakes.replicate.guard import Handler


def delivery_endpoint(account: Account) -> Handler:
    """Files need no token (like Replicate's delivery host) and answer 404 once expired."""

    async def delivery(request: Request) -> Response:
        stored = account.files.get(request.path_params["token"])
        expired = stored is not None and is_expired(account, stored.created_at)
        status = 404 if stored is None or expired else 200
        account.ledger.record(
            type="request", route="delivery", method="GET", path=request.url.path, status=status
        )
        if stored is None or expired:
            return problems.not_found()
        return Response(stored.content, media_type=stored.content_type)

    return delivery
