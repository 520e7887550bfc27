"""Shared fixtures: one Azurite of the session's own, on free ports.

Never one that already listens on 10000-10002: that one belongs to another run (`make run`, or a
test session in another checkout), which may stop it, or restart it empty, in the middle of ours.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tools.devstack import azurite


@pytest.fixture(scope="session")
def azurite_ports() -> Iterator[azurite.StoragePorts]:
    with azurite.private() as ports:
        yield ports


@pytest.fixture(scope="session")
def azurite_connection_string(azurite_ports: azurite.StoragePorts) -> str:
    return azurite_ports.connection_string


@pytest.fixture
def unique_name() -> str:
    """A storage-safe name (lowercase letters and digits) unique to one test."""
    return "t" + uuid.uuid4().hex[:20]
