"""Shared fixtures: one Azurite per test session (reused when one already listens)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from devstack import azurite


@pytest.fixture(scope="session")
def azurite_connection_string() -> Iterator[str]:
    with azurite.running() as connection_string:
        yield connection_string


@pytest.fixture
def unique_name() -> str:
    """A storage-safe name (lowercase letters and digits) unique to one test."""
    return "t" + uuid.uuid4().hex[:20]
