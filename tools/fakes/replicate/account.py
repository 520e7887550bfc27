"""The state of one fake Replicate account: config, models, versions, jobs and stored files."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from tools.fakes.replicate.config import FakeConfig
from tools.fakes.replicate.faults import Faults
from tools.fakes.replicate.files import FileStore
from tools.fakes.replicate.jobs import Job
from tools.fakes.replicate.ledger import Ledger
from tools.fakes.replicate.outputs import OutputImages
from tools.fakes.replicate.sender import WebhookSender


class Account:
    """Everything the handlers share; the server's loop and test threads both read it."""

    def __init__(self, config: FakeConfig) -> None:
        self.config = config
        self.ledger = Ledger()
        self.faults = Faults()
        self.clock_offset = 0.0  # added to the retention clock only (see `expiry`)
        self.lock = threading.Lock()
        self.models: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, list[dict[str, Any]]] = {}
        # Replicate keeps a deleted model's name reserved: creating it again is a 409
        # (replicate/replicate-python#323, open since 2024).
        self.deleted_models: set[str] = set()
        self.jobs: dict[str, Job] = {}
        self.files = FileStore()
        self.outputs = OutputImages()  # images tests chose for predictions
        self._http_client: httpx.AsyncClient | None = None
        # The sender reads the config late: tests and `/_fake/config` replace it while running.
        self.sender = WebhookSender(lambda: self.config, self.faults, self.ledger, self.http)

    def now(self) -> float:
        return time.time()

    def http(self) -> httpx.AsyncClient:
        if self._http_client is None:
            self._http_client = httpx.AsyncClient(trust_env=False)
        return self._http_client

    def job(self, job_id: str, kind: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None or job.kind != kind:
            raise KeyError(job_id)
        return job

    def jobs_of(self, kind: str) -> list[Job]:
        return [job for job in list(self.jobs.values()) if job.kind == kind]

    async def close(self) -> None:
        """Stop running jobs and close the outgoing client (the server is shutting down)."""
        for job in list(self.jobs.values()):
            if job.task is not None and not job.task.done():
                job.task.cancel()
        if self._http_client is not None:
            await self._http_client.aclose()
            self._http_client = None
