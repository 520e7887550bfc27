"""HTTP API routes: one table for the functions, the OpenAPI document and the N8N checks."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from calendary.domain.requests import (
    CreateAndTrainModelRequest,
    GenerateImageRequest,
    UploadImagesRequest,
)


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # relative to the /api prefix, as in @bp.route(route=...)
    method: str
    request: type[BaseModel] | None
    anonymous: bool = False


UPLOAD_IMAGES = Route("UploadImages", "UploadImages", "POST", UploadImagesRequest)
CREATE_AND_TRAIN_MODEL = Route(
    "CreateAndTrainModel", "CreateAndTrainModel", "POST", CreateAndTrainModelRequest
)
GENERATE_IMAGE = Route("GenerateImage", "GenerateImage", "POST", GenerateImageRequest)
REPLICATE_WEBHOOK = Route("ReplicateWebHook", "ReplicateWebHook", "POST", None, anonymous=True)
CHAT_STATUS = Route("ChatStatus", "chats/{userId}/status", "GET", None)
ERASE_CHAT = Route("EraseChat", "chats/{userId}", "DELETE", None)
INSTANCE_STATUS = Route("InstanceStatus", "instances/{instanceId}", "GET", None)
OPENAPI = Route("OpenApi", "openapi.json", "GET", None, anonymous=True)
HEALTH = Route("Health", "health", "GET", None, anonymous=True)

# The ids of this service's workflows (`calendary.domain.erasure.instance_prefix`): the status
# route answers for these only, never for entities or other apps' instances in the task hub.
INSTANCE_ID_PATTERN = r"^chat-?[0-9]{1,20}-[A-Za-z0-9-]{1,200}$"

ALL: tuple[Route, ...] = (
    UPLOAD_IMAGES,
    CREATE_AND_TRAIN_MODEL,
    GENERATE_IMAGE,
    REPLICATE_WEBHOOK,
    CHAT_STATUS,
    ERASE_CHAT,
    INSTANCE_STATUS,
    OPENAPI,
    HEALTH,
)
