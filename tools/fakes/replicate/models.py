"""Models and their versions (`/v1/models/...`), with the account-level reads beside them:
`/v1/account`, `/v1/hardware` and the webhook signing secret."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.fakes.replicate import problems
from tools.fakes.replicate.account import Account
from tools.fakes.replicate.jobs import timestamp
from tools.fakes.replicate.published_schemas import trainer_schema
from tools.fakes.replicate.validation import field, json_body, required_fields

MODEL_NAME = re.compile(r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$")
HARDWARE = [
    {"sku": "cpu", "name": "CPU"},
    {"sku": "gpu-t4", "name": "Nvidia T4 GPU"},
    {"sku": "gpu-a40-large", "name": "Nvidia A40 (Large) GPU"},
    {"sku": "gpu-h100", "name": "Nvidia H100 GPU"},
]


def new_model(owner: str, name: str, visibility: str, description: str | None) -> dict[str, Any]:
    return {
        "url": f"https://replicate.com/{owner}/{name}",
        "owner": owner,
        "name": name,
        "description": description,
        "visibility": visibility,
        "github_url": None,
        "paper_url": None,
        "license_url": None,
        "run_count": 0,
        "cover_image_url": None,
        "default_example": None,
    }


def new_version(version_id: str, created_at: float, openapi: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": version_id,
        "created_at": timestamp(created_at),
        "cog_version": "0.13.7",
        "openapi_schema": openapi,
    }


def model_json(account: Account, full_name: str) -> dict[str, Any]:
    versions = account.versions.get(full_name, [])
    return {**account.models[full_name], "latest_version": versions[-1] if versions else None}


def register_trainers(account: Account) -> None:
    """The public trainer models of the config, each with its known versions."""
    for full_name, versions in account.config.trainers.items():
        owner, name = full_name.split("/")
        account.models[full_name] = new_model(owner, name, "public", "Trains FLUX LoRAs")
        account.versions[full_name] = [
            new_version(v, account.now(), trainer_schema(full_name).openapi()) for v in versions
        ]


def version_schema(account: Account, model: str, version_id: str) -> dict[str, Any] | None:
    """The `openapi_schema` a model's version publishes."""
    for version in account.versions.get(model, []):
        if version["id"] == version_id:
            return version["openapi_schema"]
    return None


def trained_model_of(account: Account, reference: str) -> str | None:
    """The model owning a trained version (`<hash>` or `owner/name:<hash>`); trainers excluded."""
    model, _, version_id = reference.rpartition(":")
    for full_name, versions in account.versions.items():
        if full_name in account.config.trainers or (model and model != full_name):
            continue
        if any(v["id"] == version_id for v in versions):
            return full_name
    return None


class ModelApi:
    def __init__(self, account: Account) -> None:
        self.account = account

    async def get_account(self, _request: Request) -> Response:
        name = self.account.config.username
        return JSONResponse({"type": "user", "username": name, "name": name, "github_url": None})

    async def hardware(self, _request: Request) -> Response:
        return JSONResponse(HARDWARE)

    async def create_model(self, request: Request) -> Response:
        body = await json_body(request)
        if body is None:
            return problems.problem(400, "Request body must be a JSON object.")
        fields = required_fields(body, ("owner", "name", "visibility", "hardware"))
        if body.get("visibility") not in (None, "public", "private"):
            fields.append(field("enum", "visibility", 'must be one of "public", "private"'))
        if body.get("hardware") is not None and body["hardware"] not in {
            h["sku"] for h in HARDWARE
        }:
            fields.append(field("enum", "hardware", "is not a valid hardware SKU"))
        name = body.get("name")
        if isinstance(name, str) and not MODEL_NAME.match(name):
            fields.append(
                field(
                    "invalid",
                    "name",
                    "Model names may only contain lowercase letters, numbers, dashes, underscores, "
                    "or periods, and may not start or end with a dash, underscore, or period.",
                )
            )
        if fields:
            return problems.invalid_input(fields)
        full_name = f"{body['owner']}/{name}"
        with self.account.lock:
            if full_name in self.account.models or full_name in self.account.deleted_models:
                return problems.duplicate_model()
            self.account.models[full_name] = new_model(
                body["owner"], name, body["visibility"], body.get("description")
            )
        return JSONResponse(model_json(self.account, full_name), status_code=201)

    async def get_model(self, request: Request) -> Response:
        full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
        if full_name not in self.account.models:
            return problems.not_found()
        return JSONResponse(model_json(self.account, full_name))

    async def list_versions(self, request: Request) -> Response:
        full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
        if full_name not in self.account.models:
            return problems.not_found()
        versions = list(reversed(self.account.versions.get(full_name, [])))
        return JSONResponse({"next": None, "previous": None, "results": versions})

    async def get_version(self, request: Request) -> Response:
        full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
        for version in self.account.versions.get(full_name, []):
            if version["id"] == request.path_params["version"]:
                return JSONResponse(version)
        return problems.not_found()

    async def delete_version(self, request: Request) -> Response:
        """Replicate's rules: only your own private models' versions; the version and its
        predictions' outputs are gone afterwards, so it can run no prediction again."""
        full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
        with self.account.lock:
            refused = self._not_deletable(full_name)
            if refused is not None:
                return refused
            versions = self.account.versions.get(full_name, [])
            kept = [v for v in versions if v["id"] != request.path_params["version"]]
            if len(kept) == len(versions):
                return problems.not_found()
            self.account.versions[full_name] = kept
        return Response(status_code=204)

    async def delete_model(self, request: Request) -> Response:
        """Only your own private models, and only once they have no versions left; the name
        stays taken afterwards."""
        full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
        with self.account.lock:
            refused = self._not_deletable(full_name)
            if refused is not None:
                return refused
            if self.account.versions.get(full_name):
                return problems.model_has_versions()
            del self.account.models[full_name]
            self.account.versions.pop(full_name, None)
            self.account.deleted_models.add(full_name)
        return Response(status_code=204)

    def _not_deletable(self, full_name: str) -> Response | None:
        model = self.account.models.get(full_name)
        if model is None:
            return problems.not_found()
        if full_name in self.account.config.trainers:  # the account created every other model
            return problems.forbidden("You can only delete models you own.")
        if model["visibility"] != "private":
            return problems.forbidden("You can only delete private models.")
        return None

    async def webhook_secret(self, _request: Request) -> Response:
        return JSONResponse({"key": self.account.config.webhook_secret})
