"""Pydantic shapes of Replicate's API objects.

Every field except `id` and `status` is optional: create responses are partial and Replicate adds
fields over time, so unknown fields are ignored rather than rejected.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

ReplicateStatus = Literal["starting", "processing", "succeeded", "failed", "canceled", "aborted"]
TERMINAL_STATUSES: frozenset[str] = frozenset({"succeeded", "failed", "canceled", "aborted"})
WebhookEvent = Literal["start", "output", "logs", "completed"]

_SEED_IN_LOGS = re.compile(r"Using seed: (-?\d+)")


def is_terminal(status: str) -> bool:
    return status in TERMINAL_STATUSES


def split_version(reference: str) -> tuple[str | None, str]:
    """`owner/name:<hash>` → (`owner/name`, hash); a bare hash → (None, hash)."""
    model, sep, version_id = reference.rpartition(":")
    if not sep:
        return None, reference
    return model or None, version_id


class _ApiObject(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ModelVersion(_ApiObject):
    id: str
    created_at: datetime | None = None
    cog_version: str | None = None
    openapi_schema: dict[str, Any] | None = None


class Model(_ApiObject):
    owner: str
    name: str
    url: str | None = None
    description: str | None = None
    visibility: Literal["public", "private"] | None = None
    github_url: str | None = None
    paper_url: str | None = None
    license_url: str | None = None
    cover_image_url: str | None = None
    run_count: int | None = None
    latest_version: ModelVersion | None = None


class JobUrls(_ApiObject):
    get: str | None = None
    cancel: str | None = None
    web: str | None = None
    stream: str | None = None


class Metrics(_ApiObject):
    predict_time: float | None = None
    total_time: float | None = None


class _Job(_ApiObject):
    """Fields shared by trainings and predictions (same lifecycle, same webhook rules)."""

    id: str
    status: ReplicateStatus
    model: str | None = None
    version: str | None = None
    input: dict[str, Any] | None = None
    logs: str | None = None
    error: Any = None
    source: str | None = None
    data_removed: bool = False
    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    metrics: Metrics | None = None
    urls: JobUrls | None = None
    webhook: str | None = None
    hardware: str | None = None  # not in Replicate's documented shape; kept when a body has it

    @property
    def is_terminal(self) -> bool:
        return is_terminal(self.status)

    @property
    def error_message(self) -> str | None:
        return None if self.error is None else str(self.error)


class TrainingOutput(_ApiObject):
    version: str | None = None
    weights: str | None = None

    @property
    def version_id(self) -> str | None:
        """The hash after `:` of `owner/name:<hash>`, what predictions are run on."""
        return None if self.version is None else split_version(self.version)[1]


class Training(_Job):
    output: TrainingOutput | None = None


class _Page(_ApiObject):
    """One page of a list endpoint, newest first; `next` is the URL of the following page."""

    next: str | None = None
    previous: str | None = None


class TrainingPage(_Page):
    """One page of `GET /trainings`."""

    results: list[Training] = Field(default_factory=list)


class VersionPage(_Page):
    """One page of `GET /models/{owner}/{name}/versions`."""

    results: list[ModelVersion] = Field(default_factory=list)


class Prediction(_Job):
    # A list of file URLs for image models; data URLs in sync mode; arbitrary JSON for other models.
    output: Any = None
    deadline: datetime | None = None

    @property
    def output_urls(self) -> list[str]:
        if self.output is None:
            return []
        if isinstance(self.output, str):
            return [self.output]
        if isinstance(self.output, list):
            return [item for item in self.output if isinstance(item, str)]
        return []

    @property
    def seed_from_logs(self) -> int | None:
        """FLUX predictors print `Using seed: N`; the seed actually used when none was given.

        Cog logs it once per run, but a retry within the prediction logs it again and the output
        comes from the last run: the last line wins."""
        found = _SEED_IN_LOGS.findall(self.logs or "")
        return int(found[-1]) if found else None


class PredictionPage(_Page):
    """One page of `GET /predictions`."""

    results: list[Prediction] = Field(default_factory=list)


class InvalidField(_ApiObject):
    type: str | None = None
    field: str | None = None
    description: str | None = None


class ProblemDetails(_ApiObject):
    """RFC 9457 error body; `detail` was an object in older responses, so it may be any JSON."""

    type: str | None = None
    title: str | None = None
    status: int | None = None
    detail: Any = None
    instance: str | None = None
    invalid_fields: list[InvalidField] = Field(default_factory=list)
    retry_after: float | None = None

    @property
    def message(self) -> str:
        parts = [str(p) for p in (self.title, self.detail) if p]
        return ": ".join(parts) if parts else "no detail"


class WebhookSecret(_ApiObject):
    key: SecretStr
