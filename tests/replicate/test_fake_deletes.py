"""Deleting versions and models on the fake, judged by Replicate's official Python client."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import replicate
from replicate.exceptions import ReplicateError

from calendary.replicate import ConflictError, NotFoundError, ReplicateClient
from tests.replicate.test_fake_replicate import api, make_version, with_model  # noqa: F401
from tools.fakes.replicate.testing import RunningFake, StubSite

TRAINER = "replicate/fast-flux-trainer"


@pytest.fixture
def official(fake: RunningFake) -> replicate.Client:
    return replicate.Client(api_token=fake.api_key, base_url=fake.origin)


async def test_versions_then_model_are_deleted(
    api: httpx.AsyncClient,  # noqa: F811
    fake: RunningFake,
    site: StubSite,
    official: replicate.Client,
) -> None:
    first = await make_version(api, fake, site, "erase-me")
    training = await api.post(
        f"/v1/models/{TRAINER}/versions/"
        "f463fbfc97389e10a2f443a8a84b6953b1058eafbf0c9af4d84457ff07cb04db/trainings",
        json={"destination": "local/erase-me", "input": {"input_images": site.url("/good.zip")}},
    )
    fake.wait_for(lambda: fake.fake.training(training.json()["id"])["status"] == "succeeded")

    def delete_all() -> list[bool]:
        model = official.models.get("local/erase-me")
        with pytest.raises(ReplicateError) as refused:
            official.models.delete("local", "erase-me")
        assert refused.value.status == 409
        ids = [v.id for v in model.versions.list()]
        assert first in ids and len(ids) == 2
        deleted = [model.versions.delete(version_id) for version_id in ids]
        return [*deleted, official.models.delete("local/erase-me")]

    assert await asyncio.to_thread(delete_all) == [True, True, True]
    assert (await api.get("/v1/models/local/erase-me")).status_code == 404
    again = await api.post(
        "/v1/models",
        json={"owner": "local", "name": "erase-me", "visibility": "private", "hardware": "cpu"},
    )
    assert again.status_code == 409  # Replicate keeps a deleted model's name reserved
    run = await api.post(
        "/v1/predictions", json={"version": first, "input": {"prompt": "a photo of TOK"}}
    )
    assert run.status_code == 422  # a deleted version runs nothing


async def test_unknown_and_foreign_models_are_refused(
    api: httpx.AsyncClient,  # noqa: F811
    official: replicate.Client,
) -> None:
    await with_model(api, "empty")

    def attempts() -> list[int]:
        statuses = []
        for call in (
            lambda: official.models.delete("local/missing"),
            lambda: official.models.delete(TRAINER),  # public and someone else's
        ):
            with pytest.raises(ReplicateError) as refused:
                call()
            statuses.append(refused.value.status)
        return statuses

    assert await asyncio.to_thread(attempts) == [404, 403]
    unknown = await api.delete("/v1/models/local/empty/versions/" + "0" * 64)
    assert unknown.status_code == 404
    assert await asyncio.to_thread(official.models.delete, "local", "empty") is True
    assert (await api.delete("/v1/models/local/empty")).status_code == 404


async def test_our_client_deletes_versions_then_the_model(
    api: httpx.AsyncClient,  # noqa: F811
    fake: RunningFake,
    site: StubSite,
    client: ReplicateClient,
) -> None:
    version = await make_version(api, fake, site, "ours")
    page = await client.list_versions("local", "ours")
    assert [v.id for v in page.results] == [version]
    with pytest.raises(ConflictError):
        await client.delete_model("local", "ours")
    await client.delete_version("local", "ours", version)
    with pytest.raises(NotFoundError):
        await client.delete_version("local", "ours", version)
    await client.delete_model("local", "ours")
    with pytest.raises(NotFoundError):
        await client.list_versions("local", "ours")
