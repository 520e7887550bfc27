"""The HTTP surface: every `/v1` path with its ledger name and handler, and `/delivery`."""

from __future__ import annotations

from starlette.routing import Route

from tools.fakes.replicate.account import Account
from tools.fakes.replicate.delivery import delivery_endpoint
from tools.fakes.replicate.guard import Handler, guarded
from tools.fakes.replicate.models import ModelApi
from tools.fakes.replicate.predictions import PredictionApi
from tools.fakes.replicate.trainings import TrainingApi


def api_routes(account: Account) -> list[Route]:
    """Replicate's routes, each behind `guard`; delivery files need no token."""
    models = ModelApi(account)
    trainings = TrainingApi(account)
    predictions = PredictionApi(account)
    # The route names are what faults match on and what the ledger records.
    api: list[tuple[str, str, str, Handler]] = [
        ("GET", "/v1/account", "account", models.get_account),
        ("GET", "/v1/hardware", "hardware", models.hardware),
        ("POST", "/v1/models", "create_model", models.create_model),
        ("GET", "/v1/models/{owner}/{name}", "get_model", models.get_model),
        ("DELETE", "/v1/models/{owner}/{name}", "delete_model", models.delete_model),
        ("GET", "/v1/models/{owner}/{name}/versions", "list_versions", models.list_versions),
        (
            "GET",
            "/v1/models/{owner}/{name}/versions/{version}",
            "get_version",
            models.get_version,
        ),
        (
            "DELETE",
            "/v1/models/{owner}/{name}/versions/{version}",
            "delete_version",
            models.delete_version,
        ),
        (
            "POST",
            "/v1/models/{owner}/{name}/versions/{version}/trainings",
            "create_training",
            trainings.create,
        ),
        ("GET", "/v1/trainings", "list_trainings", trainings.list_page),
        ("GET", "/v1/trainings/{id}", "get_training", trainings.get),
        ("POST", "/v1/trainings/{id}/cancel", "cancel_training", trainings.cancel),
        ("POST", "/v1/predictions", "create_prediction", predictions.create),
        ("GET", "/v1/predictions", "list_predictions", predictions.list_page),
        ("GET", "/v1/predictions/{id}", "get_prediction", predictions.get),
        ("POST", "/v1/predictions/{id}/cancel", "cancel_prediction", predictions.cancel),
        ("GET", "/v1/webhooks/default/secret", "webhook_secret", models.webhook_secret),
    ]
    routes = [
        Route(path, guarded(account, name, handler), methods=[method], name=name)
        for method, path, name, handler in api
    ]
    routes.append(
        Route("/delivery/{token}/{filename}", delivery_endpoint(account), methods=["GET"])
    )
    return routes
