"""Liveness probe for load balancers, `make run` and N8N health checks."""

from __future__ import annotations

import json

import azure.durable_functions as df
import azure.functions as func

from api import routes

bp = df.Blueprint()


@bp.route(
    route=routes.HEALTH.path, methods=[routes.HEALTH.method], auth_level=func.AuthLevel.ANONYMOUS
)
def health(req: func.HttpRequest) -> func.HttpResponse:
    body = {"success": True, "data": {"status": "ok"}, "error": None}
    return func.HttpResponse(json.dumps(body), status_code=200, mimetype="application/json")
