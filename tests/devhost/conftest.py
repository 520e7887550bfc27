"""A conformance host shared by the module's tests: in-process, in memory, time skipping."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devhost.testing import RunningHost, running_host

APP = "tests.devhost.conformance_app:app"
# A 2-hour durable timer passes in 0.2 s of real time.
TIME_SCALE = 36_000


@pytest.fixture(scope="session")
def host() -> Iterator[RunningHost]:
    with running_host(APP, time_scale=TIME_SCALE) as running:
        yield running


@pytest.fixture(scope="session")
def http(host: RunningHost) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=host.base_url, timeout=30) as client:
        yield client


class Durable:
    """Drives orchestrations through the app's HTTP starter and the status URLs it returns."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def start(self, name: str, body: Any = None, instance_id: str | None = None) -> dict[str, Any]:
        path = f"/api/start/{name}" + (f"/{instance_id}" if instance_id else "")
        response = self.http.post(path, json=body)
        assert response.status_code == 202, response.text
        return response.json()

    def status(self, links: dict[str, Any], **query: str) -> httpx.Response:
        return self.http.get(links["statusQueryGetUri"], params=query)

    def wait(self, links: dict[str, Any], timeout: float = 30, **query: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            response = self.status(links, **query)
            if response.status_code == 200:
                return response.json()
            assert response.status_code == 202, response.text
            if time.monotonic() > deadline:
                raise AssertionError(f"still {response.json()['runtimeStatus']}: {links['id']}")
            time.sleep(0.02)

    def wait_for(
        self, links: dict[str, Any], predicate: Any, timeout: float = 30
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            body = self.status(links, showHistory="true").json()
            if predicate(body):
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not reached: {body}")
            time.sleep(0.02)

    def raise_event(self, links: dict[str, Any], name: str, value: Any) -> httpx.Response:
        url = links["sendEventPostUri"].replace("{eventName}", name)
        return self.http.post(url, json=value)


@pytest.fixture
def durable(http: httpx.Client) -> Durable:
    return Durable(http)
