"""Every API call and every webhook attempt the fake saw or made, for tests to assert on."""

from __future__ import annotations

import threading
import time
from typing import Any, Literal

from pydantic import BaseModel


class LedgerEntry(BaseModel):
    seq: int
    at: float
    type: Literal["request", "webhook"]
    route: str | None = None  # e.g. "create_training"; "delivery" for output files
    method: str | None = None
    path: str | None = None
    status: int | None = None  # our answer (request) or the receiver's answer (webhook)
    fault: str | None = None  # the injected fault that shaped this entry
    job_id: str | None = None
    # Webhooks only.
    url: str | None = None
    webhook_id: str | None = None
    event: str | None = None
    job_status: str | None = None
    attempt: int | None = None
    outcome: Literal["delivered", "failed", "dropped"] | None = None
    error: str | None = None


class Ledger:
    """Thread-safe: the server loop writes, tests on other threads read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LedgerEntry] = []

    def record(self, **fields: Any) -> LedgerEntry:
        with self._lock:
            entry = LedgerEntry(seq=len(self._entries) + 1, at=time.time(), **fields)
            self._entries.append(entry)
            return entry

    def entries(self, **match: Any) -> list[LedgerEntry]:
        """Entries whose fields equal every given value, e.g. `entries(route="create_training")`."""
        with self._lock:
            snapshot = list(self._entries)
        return [e for e in snapshot if all(getattr(e, k) == v for k, v in match.items())]

    def requests(self, route: str | None = None, **match: Any) -> list[LedgerEntry]:
        if route is not None:
            match["route"] = route
        return self.entries(type="request", **match)

    def webhooks(self, **match: Any) -> list[LedgerEntry]:
        return self.entries(type="webhook", **match)

    def count(self, route: str, **match: Any) -> int:
        """How many requests reached `route` (whatever the answer)."""
        return len(self.requests(route, **match))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
