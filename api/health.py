"""Liveness probe for load balancers, `make run` and N8N health checks."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from api import routes
from api.envelope import ok
from calendary.domain.responses import HealthData

bp = df.Blueprint()


@bp.route(
    route=routes.HEALTH.path, methods=[routes.HEALTH.method], auth_level=func.AuthLevel.ANONYMOUS
)
def health(req: func.HttpRequest) -> func.HttpResponse:
    return ok(HealthData())
