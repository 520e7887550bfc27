"""`GET /trainings` through the client against the fake, and how a retry recognises its training."""

from __future__ import annotations

import pytest

from calendary.replicate import ReplicateClient, Training
from calendary.replicate.inputs import training_input
from calendary.replicate.ownership import created_by
from tests.replicate.conftest import OWNER, RecordingSleep
from tools.fakes.replicate.testing import RunningFake, StubSite


async def test_trainings_are_listed_newest_first_in_pages(
    client: ReplicateClient, fake: RunningFake, site: StubSite, sleeps: RecordingSleep
) -> None:
    fake.fake.config = fake.fake.config.model_copy(update={"page_size": 2})
    await client.create_model(OWNER, "person-list")
    created = [
        await client.create_training(
            f"{OWNER}/person-list",
            training_input(site.url(f"/archive_{n}.zip")),
            webhook=f"https://hooks.example/replicate?instanceId=inst{n}",
        )
        for n in range(3)
    ]
    fake.fake.fail_requests(503, route="list_trainings")  # a GET: the client retries it
    first = await client.list_trainings()
    assert [t.id for t in first.results] == [created[2].id, created[1].id]
    assert first.previous is None and first.next is not None
    assert (first.results[0].input or {})["input_images"] == site.url("/archive_2.zip")
    assert first.results[0].webhook == "https://hooks.example/replicate?instanceId=inst2"
    second = await client.list_trainings(first.next)
    assert [t.id for t in second.results] == [created[0].id]
    assert second.next is None and second.previous is not None
    statuses = [e.status for e in fake.fake.ledger.requests("list_trainings")]
    assert statuses == [503, 200, 200] and len(sleeps.calls) == 1


async def test_a_cursor_off_the_api_is_refused(client: ReplicateClient) -> None:
    with pytest.raises(ValueError, match="not a page of this API"):
        await client.list_trainings("https://elsewhere.example/v1/trainings?cursor=2")
    with pytest.raises(ValueError, match="not a page of this API"):
        await client.list_trainings(f"{client.base_url}/trainingsX?cursor=2")


def _training(images: str | None, webhook: str | None) -> Training:
    return Training.model_validate(
        {
            "id": "t" * 26,
            "status": "processing",
            "input": {"input_images": images},
            "webhook": webhook,
        }
    )


def test_a_training_is_recognised_by_its_archive_and_instance() -> None:
    archive = "http://127.0.0.1:10000/devstoreaccount1/data/42/archive_20250101120000.zip"
    sas = archive + "?sv=2024&sig=abc%3D"
    hook = "http://host/api/ReplicateWebHook?instanceId=wf1"
    assert created_by(_training(archive + "?sv=2024&sig=other", hook), sas, "wf1")
    assert created_by(_training(archive + "?sig=x", None), sas, "wf1")  # webhook not shown
    assert not created_by(_training(archive + "?sig=x", hook), sas, "wf2")
    other = archive.replace("120000", "120001")
    assert not created_by(_training(other + "?sig=x", hook), sas, "wf1")
    assert not created_by(_training(None, hook), sas, "wf1")
