"""Trainings and predictions as the fake keeps them, rendered in Replicate's JSON shapes."""

from __future__ import annotations

import asyncio
import json
import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

TERMINAL = frozenset({"succeeded", "failed", "canceled", "aborted"})
# Omitting the filter means "whenever there are new outputs or the prediction has finished".
DEFAULT_EVENTS = frozenset({"output", "completed"})
ALL_EVENTS = frozenset({"start", "output", "logs", "completed"})
_ID_ALPHABET = string.ascii_lowercase + string.digits


def new_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(26))


def new_version_id() -> str:
    return secrets.token_hex(32)


def timestamp(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Job:
    kind: Literal["training", "prediction"]
    id: str
    origin: str  # scheme://host:port the caller used, for the URLs inside the object
    model: str
    version: str
    input: dict[str, Any]
    created_at: float
    webhook: str | None = None
    events: frozenset[str] = DEFAULT_EVENTS
    destination: str | None = None
    status: str = "starting"
    logs: str = ""
    error: str | None = None
    output: Any = None
    started_at: float | None = None
    completed_at: float | None = None
    data_removed: bool = False
    reorder_webhooks: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def urls(self, *, created: bool = False) -> dict[str, str]:
        # The create-training answer points at /predictions/ (as Replicate's does); later ones at
        # /trainings/.
        collection = "predictions" if self.kind == "prediction" or created else "trainings"
        get = f"{self.origin}/v1/{collection}/{self.id}"
        return {"get": get, "cancel": f"{get}/cancel", "web": f"{self.origin}/p/{self.id}"}

    def to_json(self, *, created: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "model": self.model,
            "version": self.version,
            "input": self.input,
            "logs": self.logs,
            "error": self.error,
            "status": self.status,
            "created_at": timestamp(self.created_at),
            "urls": self.urls(created=created),
        }
        if created and self.status == "starting":
            return body  # the create answer is partial
        body.update(
            {
                "output": self.output,
                "source": "api",
                "data_removed": self.data_removed,
                "started_at": timestamp(self.started_at),
                "completed_at": timestamp(self.completed_at),
                "metrics": self._metrics(),
            }
        )
        if self.webhook is not None:
            body["webhook"] = self.webhook
            body["webhook_events_filter"] = sorted(self.events)
        return body

    def body_bytes(self) -> bytes:
        return json.dumps(self.to_json()).encode()

    def _metrics(self) -> dict[str, float]:
        if self.completed_at is None:
            return {}
        start = self.started_at if self.started_at is not None else self.completed_at
        return {
            "predict_time": round(self.completed_at - start, 6),
            "total_time": round(self.completed_at - self.created_at, 6),
        }

    def finish(self, status: str, now: float, *, error: str | None = None) -> None:
        self.status = status
        self.error = error
        self.completed_at = now
        if self.started_at is None and status != "aborted":
            self.started_at = now
        self.done.set()

    def remove_data(self) -> None:
        """Replicate deletes an API prediction's input, output and logs after the retention time."""
        self.data_removed = True
        self.output = None
        self.input = {}
        self.logs = ""
