"""Trainings and predictions, as Replicate returns them, reduced to what the workflows keep."""

from __future__ import annotations

from datetime import datetime

from calendary.domain.replicate_job import ReplicateJob
from calendary.replicate.models import Prediction, Training


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _predict_time(job: Training | Prediction) -> float | None:
    return job.metrics.predict_time if job.metrics else None


def from_training(training: Training) -> ReplicateJob:
    return ReplicateJob(
        id=training.id,
        status=training.status,
        version=training.output.version_id if training.output else None,
        error=training.error_message,
        created_at=_iso(training.created_at),
        completed_at=_iso(training.completed_at),
        predict_time=_predict_time(training),
        hardware=training.hardware,
    )


def from_prediction(prediction: Prediction) -> ReplicateJob:
    urls = prediction.output_urls
    return ReplicateJob(
        id=prediction.id,
        status=prediction.status,
        output_url=urls[0] if urls else None,
        output_seed=prediction.seed_from_logs,
        error=prediction.error_message,
        created_at=_iso(prediction.created_at),
        completed_at=_iso(prediction.completed_at),
        predict_time=_predict_time(prediction),
        hardware=prediction.hardware,
    )
