"""A conformance host shared by the suite's tests: in-process, in memory, time skipping.

With the `durable` fixture the clock is held throughout the test and skips only while it waits
for an outcome (`Durable.wait`), as Temporal's test server does: an event the test raises while a
timer is pending always comes first, and a two-hour timer it waits out passes at once. Elsewhere
the clock skips whenever only timers are pending.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devhost.idle import TimeSkipper
from devhost.keys import Keys
from devhost.testing import RunningHost, running_host
from durable_client import Durable

APP = "conformance_app:app"
# For hosts that run as a subprocess (or on a scaled clock): a 2-hour timer passes in 0.2 s.
TIME_SCALE = 36_000


class SkippingDurable(Durable):
    """The suite's client: the host's clock skips while it waits for an instance to finish."""

    def __init__(self, http: httpx.Client, keys: Keys, idle: TimeSkipper) -> None:
        super().__init__(http, keys)
        self.idle = idle

    def wait(self, links: dict[str, Any], timeout: float = 30, **query: str) -> dict[str, Any]:
        with self.idle.skipping():
            return super().wait(links, timeout, **query)


@pytest.fixture(scope="session")
def host() -> Iterator[RunningHost]:
    with running_host(APP, clock="skip") as running:
        yield running


@pytest.fixture(scope="session")
def http(host: RunningHost) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=host.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def durable(http: httpx.Client, host: RunningHost) -> Iterator[Durable]:
    with host.idle.hold():
        yield SkippingDurable(http, host.keys, host.idle)
