"""A conformance host shared by the module's tests: in-process, in memory, time skipping."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devhost.testing import RunningHost, running_host
from durable_client import Durable

APP = "conformance_app:app"
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


@pytest.fixture
def durable(http: httpx.Client) -> Durable:
    return Durable(http)
