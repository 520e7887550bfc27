"""pytest plugin of the local host: `durable_host` runs a `DFApp` in-process for a test.

    def test_reminder(durable_host):
        host = durable_host(app)                     # the DFApp, or "module:attribute"
        instance_id = host.start("remind", {"hours": 24})
        assert host.wait_for_completion(instance_id).output == "reminded"

By default the clock skips: whenever only durable timers are pending, it jumps to the earliest,
so a day-long timer passes in milliseconds. `clock="manual"` jumps only on `host.advance(...)`;
`clock="real"` lets timers take their time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from azure.functions import FunctionRegister

from devhost.client import HostClient
from devhost.testing import ClockMode, running_host

DurableHostFactory = Callable[..., HostClient]


@pytest.fixture
def durable_host() -> Iterator[DurableHostFactory]:
    """A factory: `durable_host(app, *, clock="skip", skip_grace=0.0, host_json=...)` starts a
    host serving `app` (in memory, on an ephemeral loopback port) and returns its client; every
    host it started stops when the test ends."""
    with ExitStack() as stack:

        def start(
            app: str | FunctionRegister,
            *,
            clock: ClockMode = "skip",
            skip_grace: float = 0.0,
            host_json: str = "host.json",
            **options: Any,
        ) -> HostClient:
            running = stack.enter_context(
                running_host(
                    app, clock=clock, skip_grace=skip_grace, host_json=host_json, **options
                )
            )
            client = HostClient(running)
            stack.callback(client.close)
            return client

        yield start
