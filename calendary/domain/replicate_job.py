"""What the workflows keep of a Replicate training or prediction: a few fields, never the logs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from calendary.domain.image_urls import redact_urls_in

JobStatus = Literal[
    "starting", "processing", "succeeded", "failed", "canceled", "aborted", "timed_out"
]


class ReplicateJob(BaseModel):
    model_config = ConfigDict(
        extra="ignore", frozen=True, defer_build=True
    )  # validators built on first use, not at import

    id: str = ""
    status: JobStatus
    version: str | None = None  # trainings: the version id, the part after ':'
    output_url: str | None = None  # predictions: the first output file
    output_seed: int | None = None
    error: str | None = None
    created_at: str | None = None
    completed_at: str | None = None
    predict_time: float | None = None  # seconds billed (`metrics.predict_time`)
    hardware: str | None = None

    @field_validator("error")
    @classmethod
    def _no_links(cls, error: str | None) -> str | None:
        # A trainer's error may quote the archive's SAS link; errors are stored and shown.
        return redact_urls_in(error) if error else error

    @property
    def is_terminal(self) -> bool:
        return self.status not in ("starting", "processing")

    def dump(self) -> dict[str, object]:
        return self.model_dump(mode="json")
