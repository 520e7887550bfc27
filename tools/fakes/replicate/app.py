"""`FakeReplicate`: one fake Replicate account; `app` is the ASGI application, the methods steer it.

`routes` lists the API; its handlers (`models`, `trainings`, `predictions`, `delivery`) share one
`Account` and sit behind `guard` (faults, token, ledger); `control` adds `/_fake/...`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from tools.fakes.replicate.account import Account
from tools.fakes.replicate.config import FakeConfig, Schedule
from tools.fakes.replicate.control import control_routes
from tools.fakes.replicate.expiry import expire
from tools.fakes.replicate.faults import JobFailure, RequestFault, WebhookFault
from tools.fakes.replicate.guard import http_exception
from tools.fakes.replicate.models import model_json, register_trainers
from tools.fakes.replicate.outputs import OutputRule, image_bytes
from tools.fakes.replicate.routes import api_routes


class FakeReplicate:
    """One fake Replicate account: `app` is the ASGI application, the methods steer it."""

    def __init__(self, config: FakeConfig | None = None) -> None:
        self._account = Account(config or FakeConfig())
        self.ledger = self._account.ledger
        self.faults = self._account.faults
        self.sender = self._account.sender
        register_trainers(self._account)
        self.app = Starlette(
            routes=api_routes(self._account) + control_routes(self),
            lifespan=self._lifespan,
            exception_handlers={HTTPException: http_exception},
        )

    # Steering from tests (thread-safe: the server runs on its own loop) -----------------------

    @property
    def config(self) -> FakeConfig:
        return self._account.config

    @config.setter
    def config(self, config: FakeConfig) -> None:
        self._account.config = config

    @property
    def clock_offset(self) -> float:
        return self._account.clock_offset

    @clock_offset.setter
    def clock_offset(self, seconds: float) -> None:
        self._account.clock_offset = seconds

    @property
    def webhook_secret(self) -> str:
        return self.config.webhook_secret

    def fail_requests(self, status: int = 429, **options: Any) -> None:
        """Next matching requests answer `status` (429 carries `Retry-After`); see RequestFault."""
        self.faults.add(RequestFault(status=status, **options))

    def slow_requests(self, delay: float, **options: Any) -> None:
        self.faults.add(RequestFault(delay=delay, **options))

    def webhook_fault(self, mode: str, **options: Any) -> None:
        self.faults.add(WebhookFault(mode=mode, **options))  # type: ignore[arg-type]

    def fail_jobs(self, kind: str = "training", **options: Any) -> None:
        self.faults.add(JobFailure(kind=kind, **options))  # type: ignore[arg-type]

    def set_output_image(
        self,
        image: bytes | str | Path,
        *,
        model: str | None = None,
        prompt: str | None = None,
        seed: int | None = None,
    ) -> None:
        """Predictions of `model` (owner/name) whose prompt contains `prompt` and run with `seed`
        (each None: any) output this image (bytes or a file's path) instead of the drawn one."""
        rule = OutputRule(image_bytes(image), model=model, prompt=prompt, seed=seed)
        self._account.outputs.add(rule)

    def clear_output_images(self) -> None:
        self._account.outputs.clear()

    def clear_faults(self) -> None:
        self.faults.clear()

    def set_schedule(
        self, *, training: Schedule | None = None, prediction: Schedule | None = None
    ) -> None:
        updates: dict[str, Any] = {}
        if training is not None:
            updates["training_schedule"] = training
        if prediction is not None:
            updates["prediction_schedule"] = prediction
        self.config = self.config.model_copy(update=updates)

    def advance_clock(self, seconds: float) -> None:
        """Move the retention clock forward (outputs expire); webhook timestamps stay real."""
        self.clock_offset += seconds

    def training(self, training_id: str) -> dict[str, Any]:
        return self._account.job(training_id, "training").to_json()

    def prediction(self, prediction_id: str) -> dict[str, Any]:
        job = self._account.job(prediction_id, "prediction")
        expire(self._account, job)
        return job.to_json()

    def model(self, owner: str, name: str) -> dict[str, Any]:
        return model_json(self._account, f"{owner}/{name}")

    def trainings(self) -> list[dict[str, Any]]:
        return [job.to_json() for job in self._account.jobs_of("training")]

    def predictions(self) -> list[dict[str, Any]]:
        return [job.to_json() for job in self._account.jobs_of("prediction")]

    def reset(self) -> None:
        """Forget faults and the ledger (models and jobs stay, like a real account)."""
        self.faults.clear()
        self.ledger.clear()

    def idle(self) -> bool:
        """Every job has ended and every webhook (with its retries) has been sent or given up."""
        jobs = list(self._account.jobs.values())
        return all(job.terminal for job in jobs) and not self.sender.busy()

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        yield
        await self._account.close()
