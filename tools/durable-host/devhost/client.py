"""A small typed client of one in-process host, for tests: start, raise, read, wait, terminate.

It speaks the durable HTTP API (`/runtime/webhooks/durabletask/`), as any client of the real
extension does, and reaches into the host only for its clock.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from devhost.testing import RunningHost

T = TypeVar("T")
API = "/runtime/webhooks/durabletask"
RUNNING = frozenset({"Pending", "Running", "Suspended", "ContinuedAsNew"})


@dataclass(frozen=True)
class InstanceStatus:
    instance_id: str
    name: str
    runtime_status: str  # Pending, Running, Completed, Failed, Terminated, Suspended
    input: Any
    output: Any
    custom_status: Any
    created_time: datetime
    last_updated_time: datetime
    history: list[dict[str, Any]] | None = None  # the extension's history format, if asked for

    @property
    def done(self) -> bool:
        return self.runtime_status not in RUNNING

    @classmethod
    def from_api(cls, body: dict[str, Any]) -> InstanceStatus:
        return cls(
            instance_id=body["instanceId"],
            name=body["name"],
            runtime_status=body["runtimeStatus"],
            input=_loads(body.get("input")),
            output=body.get("output"),
            custom_status=body.get("customStatus"),
            created_time=_time(body["createdTime"]),
            last_updated_time=_time(body["lastUpdatedTime"]),
            history=body.get("historyEvents"),
        )


class HostClient:
    """One in-process host and an HTTP client of its durable API."""

    def __init__(self, host: RunningHost, poll: float = 0.005) -> None:
        self.host = host
        self.base_url = host.base_url
        # The durable API takes the system key in `code`, as in the links the extension hands out.
        self.http = httpx.Client(
            base_url=host.base_url, timeout=30, trust_env=False, params={"code": host.keys.system}
        )
        self.poll = poll

    def close(self) -> None:
        self.http.close()

    def start(
        self,
        name: str,
        input: Any = None,
        *,
        instance_id: str | None = None,
        version: str | None = None,
    ) -> str:
        """Start orchestrator `name`; returns its instance id."""
        path = f"{API}/orchestrators/{name}" + (f"/{instance_id}" if instance_id else "")
        params = {"version": version} if version is not None else None
        # Encoded twice, as the SDK's own client sends it: the body is the input's JSON text.
        body = None if input is None else json.dumps(input)
        response = self.http.post(path, json=body, params=params)
        _expect(response, 202)
        return response.json()["id"]

    def raise_event(self, instance_id: str, name: str, data: Any = None) -> None:
        response = self.http.post(f"{API}/instances/{instance_id}/raiseEvent/{name}", json=data)
        _expect(response, 202)

    def terminate(self, instance_id: str, reason: str = "terminated by a test") -> None:
        response = self.http.post(
            f"{API}/instances/{instance_id}/terminate", params={"reason": reason}
        )
        _expect(response, 202)

    def status(self, instance_id: str, *, history: bool = False) -> InstanceStatus:
        params = {"showHistory": "true", "showHistoryOutput": "true"} if history else {}
        response = self.http.get(f"{API}/instances/{instance_id}", params=params)
        _expect(response, 200, 202)
        return InstanceStatus.from_api(response.json())

    def history(self, instance_id: str) -> list[dict[str, Any]]:
        return self.status(instance_id, history=True).history or []

    def wait_for(self, predicate: Callable[[], T], timeout: float = 10) -> T:
        """Poll `predicate()` until it returns something truthy, and return that."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout} s")
            time.sleep(self.poll)

    def wait_for_completion(
        self, instance_id: str, timeout: float = 10, *, history: bool = False
    ) -> InstanceStatus:
        """Until the instance is no longer running (Completed, Failed or Terminated)."""

        def finished() -> InstanceStatus | None:
            status = self.status(instance_id, history=history)
            return status if status.done else None

        return self.wait_for(finished, timeout)

    # -- the clock ---------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.host.now()

    def advance(self, delta: timedelta) -> None:
        """Jump the clock by `delta`; returns once the timers that fell due have been handled."""
        self.host.advance(delta)

    def advance_to(self, moment: datetime) -> None:
        self.host.advance_to(moment)

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """No time skipping inside the block (e.g. to raise an event while a timer is pending)."""
        with self.host.idle.hold():
            yield

    def hold_while(self, check: Callable[[], bool]) -> None:
        """Declare work outside the host (e.g. a fake that will call back): while `check()` is
        true, time does not skip."""
        self.host.idle.hold_while(check)


def _expect(response: httpx.Response, *codes: int) -> None:
    if response.status_code not in codes:
        raise AssertionError(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text}"
        )


def _loads(value: Any) -> Any:
    # The status API returns the stored input as JSON text; give tests the value.
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
