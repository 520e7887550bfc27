"""How the fake behaves: accepted tokens, job schedules, retention and webhook retry timing."""

from __future__ import annotations

import base64
import secrets

from pydantic import BaseModel, Field

DEFAULT_TOKEN = "r8_local_fake_token"  # noqa: S105 - the well-known token of the local stack
FAST_FLUX_TRAINER = "replicate/fast-flux-trainer"
OSTRIS_TRAINER = "ostris/flux-dev-lora-trainer"


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Schedule(BaseModel):
    """Seconds a job spends in `starting` and in `processing` (0 and 0: instant, for tests)."""

    starting: float = Field(default=0.0, ge=0)
    processing: float = Field(default=0.0, ge=0)


class FakeConfig(BaseModel):
    tokens: frozenset[str] = frozenset({DEFAULT_TOKEN})
    username: str = "local"
    webhook_secret: str = Field(default_factory=new_webhook_secret)
    training_schedule: Schedule = Schedule()
    prediction_schedule: Schedule = Schedule()
    # Replicate removes API predictions' input, output, logs and files after an hour.
    output_ttl: float = Field(default=3600.0, gt=0)
    # Only the terminal webhook is retried, on non-2xx or connection failure, with the same id.
    webhook_retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4)
    webhook_timeout: float = 5.0
    download_timeout: float = 30.0
    max_zip_bytes: int = 1024 * 1024 * 1024
    # Log lines with a step counter a training writes while it runs (one `logs` webhook each).
    progress_lines: int = Field(default=10, ge=0)
    # Replicate sends `output` and `logs` webhooks at most every 500 ms per job; more often, the
    # newer state waits for the next one (or for `completed`).
    event_interval: float = Field(default=0.5, ge=0)
    page_size: int = Field(default=100, ge=1)  # GET /v1/trainings, GET /v1/predictions
    trainers: dict[str, tuple[str, ...]] = {
        FAST_FLUX_TRAINER: ("f463fbfc97389e10a2f443a8a84b6953b1058eafbf0c9af4d84457ff07cb04db",),
        OSTRIS_TRAINER: ("e440909d3512c31646ee2e0c7d6f6f4923224863a6a10c494606e79fb5844497",),
    }

    @classmethod
    def demo(cls, **overrides: object) -> FakeConfig:
        """Timing for `make run`: jobs take seconds, webhook retries back off like the real ones."""
        values: dict[str, object] = {
            "training_schedule": Schedule(starting=2, processing=8),
            "prediction_schedule": Schedule(starting=0.5, processing=2),
            "webhook_retry_delays": (1, 2, 4, 8, 16, 30),
        }
        values.update(overrides)
        return cls.model_validate(values)
