"""Serves the OpenAPI 3.1 document of the HTTP API (anonymous, so tools can import it)."""

from __future__ import annotations

from functools import cache

import azure.durable_functions as df
import azure.functions as func

from api import routes

bp = df.Blueprint()


@cache
def _document() -> str:
    # Imported here: the document (and the response models it parametrises) is built on the
    # first request, not when the worker imports the app to index the functions.
    from api.openapi_spec import render

    return render()


@bp.route(
    route=routes.OPENAPI.path, methods=[routes.OPENAPI.method], auth_level=func.AuthLevel.ANONYMOUS
)
def openapi_document(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(_document(), status_code=200, mimetype="application/json")
