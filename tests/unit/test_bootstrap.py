"""The composition root: overrides take the place of what settings would build, and installed
services are the process's only for the block."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

from calendary.bootstrap import bootstrap, installed, services
from calendary.replicate.client import ReplicateClient
from calendary.settings import Settings

SETTINGS = Settings(_env_file=None, ReplicateApiKey="r8_test", ReplicateOwner="kaizen")


def test_an_override_is_used_instead_of_building_from_settings() -> None:
    given = ReplicateClient(
        api_key=SecretStr("r8_other"), trainer_model="a/b", trainer_version="v1"
    )
    chosen = bootstrap(SETTINGS, replicate=given)

    async def pick() -> ReplicateClient:
        return chosen.replicate()

    assert asyncio.run(pick()) is given
    assert chosen.settings is SETTINGS


def test_clients_built_from_settings_belong_to_one_event_loop_each() -> None:
    chosen = bootstrap(SETTINGS)

    async def pick() -> tuple[ReplicateClient, ReplicateClient]:
        return chosen.replicate(), chosen.replicate()

    first, again = asyncio.run(pick())
    other, _ = asyncio.run(pick())
    assert first is again  # one client per loop...
    assert other is not first  # ...and a new loop gets its own


def test_an_unknown_override_is_refused() -> None:
    with pytest.raises(TypeError, match="replicat"):
        bootstrap(SETTINGS, replicat=None)  # type: ignore[call-arg]


def test_installed_services_are_the_process_ones_only_inside_the_block() -> None:
    before = services()
    chosen = bootstrap(SETTINGS)
    with installed(chosen):
        assert services() is chosen
    assert services() is before
