"""OpenAPI 3.1 document of the HTTP API, built from the route table and the pydantic models.

The same models validate requests and shape responses, so the document cannot drift from the code.
`python -m api.openapi_spec [path]` writes it (default `docs/openapi.json`; `make openapi`).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from api import routes
from api.routes import Route
from calendary.domain import responses as r

TITLE = "Calendary Kaizen API"
VERSION = "1.0.0"
REF = "#/components/schemas/{model}"
HEADER_KEY = "functionKeyHeader"
QUERY_KEY = "functionKeyQuery"


@dataclass(frozen=True)
class Outcome:
    description: str
    model: type[BaseModel] | None = None  # None: no JSON body (e.g. the host's own 401)


ACCEPTED = Outcome(
    "Still running: follow statusQueryGetUri (GET /instances/{id}); known ids.",
    r.ApiResponse[r.AcceptedData],
)
BAD_REQUEST = Outcome("Invalid input; nothing was stored.", r.ErrorResponse)
NO_KEY = Outcome("Missing or wrong function key (answered by the Functions host, no body).")
WORKFLOW_FAILED = Outcome("The workflow failed; the error names its instance.", r.ErrorResponse)

# Per route: HTTP status -> outcome. Every route of `api.routes.ALL` must have an entry.
DECLARED: dict[str, dict[int, Outcome]] = {
    routes.UPLOAD_IMAGES.name: {
        200: Outcome("All images processed.", r.ApiResponse[r.UploadImagesData]),
        202: ACCEPTED,
        400: BAD_REQUEST,
        401: NO_KEY,
        500: WORKFLOW_FAILED,
    },
    routes.CREATE_AND_TRAIN_MODEL.name: {
        200: Outcome("Training created on Replicate.", r.ApiResponse[r.CreateAndTrainModelData]),
        202: ACCEPTED,
        400: Outcome(
            "Invalid input, fewer than MinTrainingImages uploads, or too few photos pass the "
            "photo checks (then data names the photos to replace).",
            r.TrainingRefusedResponse,
        ),
        401: NO_KEY,
        409: Outcome("A training of this chat is already active.", r.ErrorResponse),
        500: WORKFLOW_FAILED,
        502: Outcome("Replicate refused to create the model or the training.", r.ErrorResponse),
        503: Outcome(
            "ReplicateOwner is not configured, the trainer's input schema cannot be read, or "
            "the task hub could not start closing a previous training; try again.",
            r.ErrorResponse,
        ),
    },
    routes.GENERATE_IMAGE.name: {
        200: Outcome("Image generated and stored.", r.ApiResponse[r.GenerateImageData]),
        202: ACCEPTED,
        400: BAD_REQUEST,
        401: NO_KEY,
        404: Outcome("Unknown training for this chat.", r.ErrorResponse),
        409: Outcome("The training has not succeeded.", r.ErrorResponse),
        500: WORKFLOW_FAILED,
        502: Outcome(
            "Replicate could not generate the image (data names the failed generation), or the "
            "model publishes no usable input schema.",
            r.ApiResponse[r.GenerateImageData],
        ),
        503: Outcome("Replicate is unavailable; try again.", r.ErrorResponse),
    },
    routes.REPLICATE_WEBHOOK.name: {
        200: Outcome(
            "Accepted, also for duplicates and unknown instances.",
            r.ApiResponse[r.WebhookAckData],
        ),
        400: Outcome("Malformed body or missing instanceId.", r.ErrorResponse),
        401: Outcome("Bad or missing webhook signature.", r.ErrorResponse),
        503: Outcome(
            "The workflow could not be reached; Replicate delivers again.", r.ErrorResponse
        ),
    },
    routes.CHAT_STATUS.name: {
        200: Outcome("Latest training and counts.", r.ApiResponse[r.ChatStatusData]),
        400: BAD_REQUEST,
        401: NO_KEY,
    },
    routes.ERASE_CHAT.name: {
        200: Outcome("The chat is erased everywhere.", r.ApiResponse[r.EraseChatData]),
        202: ACCEPTED,
        400: BAD_REQUEST,
        401: NO_KEY,
        500: WORKFLOW_FAILED,
    },
    routes.INSTANCE_STATUS.name: {
        200: Outcome("The workflow has ended.", r.ApiResponse[r.InstanceStatusData]),
        202: Outcome("The workflow still runs; ask again.", r.ApiResponse[r.InstanceStatusData]),
        401: NO_KEY,
        404: Outcome("No workflow of this service has that id.", r.ErrorResponse),
    },
    routes.OPENAPI.name: {200: Outcome("This document.")},
    routes.HEALTH.name: {200: Outcome("The app is up.", r.ApiResponse[r.HealthData])},
}

# Every route that touches storage or the task hub answers their failures itself
# (`api.failures`): 503 when a dependency is down, 500 for anything else, both in the envelope.
DEPENDENCY_DOWN = "storage, the task hub or another dependency is unavailable; try again."
FAILED_HERE = Outcome("The request failed on our side; try again later.", r.ErrorResponse)


def _with_failures(outcomes: dict[int, Outcome]) -> dict[int, Outcome]:
    known = outcomes.get(503)
    down = f"{known.description} Or: {DEPENDENCY_DOWN}" if known else DEPENDENCY_DOWN.capitalize()
    merged = dict(outcomes)
    merged.setdefault(500, FAILED_HERE)
    merged[503] = Outcome(down, r.ErrorResponse)
    return merged


UNGUARDED = {routes.OPENAPI.name, routes.HEALTH.name}  # they reach neither storage nor the hub
RESPONSES: dict[str, dict[int, Outcome]] = {
    name: outcomes if name in UNGUARDED else _with_failures(outcomes)
    for name, outcomes in DECLARED.items()
}

SUMMARIES: dict[str, str] = {
    routes.UPLOAD_IMAGES.name: "Download, validate and store a chat's photos",
    routes.CREATE_AND_TRAIN_MODEL.name: "Zip the uploads and start a FLUX LoRA training",
    routes.GENERATE_IMAGE.name: "Generate an image with a trained model",
    routes.REPLICATE_WEBHOOK.name: "Replicate's signed webhook (Standard Webhooks)",
    routes.CHAT_STATUS.name: "Latest training and counts of a chat",
    routes.ERASE_CHAT.name: "Erase a chat's photos, models, records and workflow histories",
    routes.INSTANCE_STATUS.name: "State of a workflow that answered 202 (no input, no history)",
    routes.OPENAPI.name: "This OpenAPI document",
    routes.HEALTH.name: "Liveness probe",
}

CHAT_ID_SCHEMA = {"type": "string", "pattern": r"^-?[0-9]{1,20}$"}
PATH_SCHEMAS = {
    "userId": CHAT_ID_SCHEMA,
    "instanceId": {"type": "string", "pattern": routes.INSTANCE_ID_PATTERN},
}


def _schemas() -> tuple[dict[tuple[type[BaseModel], JsonSchemaMode], dict[str, Any]], dict]:
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for route in routes.ALL:
        if route.request is not None:
            models.append((route.request, "validation"))
        models.extend((o.model, "serialization") for o in RESPONSES[route.name].values() if o.model)
    unique = list(dict.fromkeys(models))
    refs, defs = models_json_schema(unique, ref_template=REF)
    return refs, defs.get("$defs", {})


def _operation(route: Route, refs: dict) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": route.name, "summary": SUMMARIES[route.name]}
    params = [
        {"name": name, "in": "path", "required": True, "schema": PATH_SCHEMAS[name]}
        for name in _path_params(route.path)
    ]
    if route is routes.REPLICATE_WEBHOOK:
        params.append(
            {
                "name": "instanceId",
                "in": "query",
                "required": True,
                "description": "Durable instance that waits for this webhook.",
                "schema": {"type": "string"},
            }
        )
        params.extend(
            {"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
            for h in ("webhook-id", "webhook-timestamp", "webhook-signature")
        )
        op["requestBody"] = {
            "required": True,
            "description": "Replicate's training or prediction object, verified on the raw bytes.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    if params:
        op["parameters"] = params
    if route.request is not None:
        op["requestBody"] = {
            "required": True,
            "description": "Keys match case-insensitively; unknown keys are ignored.",
            "content": {"application/json": {"schema": refs[(route.request, "validation")]}},
        }
    op["responses"] = {
        str(status): _response(outcome, refs) for status, outcome in RESPONSES[route.name].items()
    }
    if route.anonymous:
        op["security"] = []
    return op


def _response(outcome: Outcome, refs: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"description": outcome.description}
    if outcome.model is not None:
        schema = refs[(outcome.model, "serialization")]
        out["content"] = {"application/json": {"schema": schema}}
    elif outcome is not NO_KEY:
        out["content"] = {"application/json": {"schema": {"type": "object"}}}
    return out


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def build() -> dict[str, Any]:
    refs, defs = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for route in routes.ALL:
        paths.setdefault("/" + route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "Telegram photos to a personal FLUX model on Replicate, as Durable "
            "Functions workflows. Every body is {success, data, error}.",
        },
        "servers": [{"url": "/api"}],
        "security": [{HEADER_KEY: []}, {QUERY_KEY: []}],
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {
                HEADER_KEY: {"type": "apiKey", "in": "header", "name": "x-functions-key"},
                QUERY_KEY: {"type": "apiKey", "in": "query", "name": "code"},
            },
        },
    }


def render() -> str:
    """The document as committed: stable key order, two-space indent, trailing newline."""
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "docs/openapi.json"
    target.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
