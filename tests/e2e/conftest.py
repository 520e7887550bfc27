"""Fixtures for end-to-end tests: one host per module, fresh storage names per test.

The host skips time: whenever nothing but durable timers is pending, its clock jumps to the
earliest, so a two-hour training timeout or a five-second retry pause passes at once, while
history times stay realistic. The fake Replicate works in real time; while it will still call
back, it holds the clock (see `stack.replicate_calls_back`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from calendary.bootstrap import bootstrap, installed
from devhost.key_auth import KeyAuth
from devhost.testing import RunningHost, running_host
from tests.e2e.stack import SKIP_GRACE, Stack, replicate_calls_back, stack_settings
from tools.fakes.replicate.testing import RunningFake, StubSite, running_fake, serve_app

# The retention timer's schedule (a binding expression, read when the host starts): never, so
# a clock that skips over 03:00 starts no workflow a test does not expect. Tests run it through
# `POST /admin/functions/apply_retention`.
NEVER = "0 0 0 30 2 *"


@pytest.fixture(scope="module")
def host(azurite_connection_string: str) -> Iterator[RunningHost]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RetentionSchedule", NEVER)
        with running_host("function_app:app", clock="skip", skip_grace=SKIP_GRACE) as running:
            yield running


@pytest.fixture(scope="module")
def site() -> Iterator[StubSite]:
    stub = StubSite()
    with serve_app(stub.app()) as origin:
        stub.origin = origin
        yield stub


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    with running_fake() as running:
        yield running


@pytest.fixture
def chat_id() -> str:
    return str(uuid.uuid4().int % 10**12)


@pytest.fixture
def stack(
    host: RunningHost, fake: RunningFake, site: StubSite, azurite_connection_string: str
) -> Iterator[Stack]:
    # The production timeouts (hours): with time skipping they cost nothing.
    settings = stack_settings(fake, azurite_connection_string, host.base_url)
    with (
        installed(bootstrap(settings)) as services,
        # Every call carries the key its API takes, as a client given the keys does in Azure.
        httpx.Client(timeout=60, auth=KeyAuth(host.keys)) as http,
        host.idle.holding(lambda: replicate_calls_back(fake.fake)),
    ):
        stack = Stack(host=host, fake=fake, site=site, services=services, http=http)
        with stack.changes:
            yield stack
            _stop_leftovers(http, host)


def _stop_leftovers(http: httpx.Client, host: RunningHost) -> None:
    """Terminate workflows a test left running, so they cannot reach the next test's fakes."""
    base = f"{host.base_url}/runtime/webhooks/durabletask/instances"
    running = http.get(f"{base}/", params={"runtimeStatus": "Running,Pending"}).json()
    for instance in running:
        http.post(f"{base}/{instance['instanceId']}/terminate", params={"reason": "test ended"})
