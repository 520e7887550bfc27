"""One loop (host, fakes and a real n8n) per module: n8n takes seconds to import and start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.n8n.loop import Loop, running_loop
from tools.devstack.n8n_setup import N8N_BIN


@pytest.fixture(scope="module")
def loop(
    azurite_connection_string: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loop]:
    if not N8N_BIN.exists():  # `make test` installs it first; say so when run on its own
        pytest.fail(f"{N8N_BIN} is missing: `make test` or `make n8n` installs n8n")
    with running_loop(azurite_connection_string, tmp_path_factory.mktemp("loop")) as running:
        yield running
