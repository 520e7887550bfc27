"""`GET /predictions` through the client against the fake, and how a retry recognises its
prediction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from calendary.replicate import Prediction, ReplicateClient
from calendary.replicate.inputs import generation_input
from calendary.replicate.ownership import prediction_created_by
from tests.replicate.conftest import RecordingSleep
from tests.replicate.test_client_fake import trained_version
from tools.fakes.replicate.testing import RunningFake, StubSite


async def test_predictions_are_listed_newest_first_in_pages(
    client: ReplicateClient, fake: RunningFake, site: StubSite, sleeps: RecordingSleep
) -> None:
    version = await trained_version(client, fake, site)
    fake.fake.config = fake.fake.config.model_copy(update={"page_size": 2})
    created = [
        await client.create_prediction(
            version,
            generation_input(f"TOK number {n}", seed=n),
            webhook=f"https://hooks.example/replicate?instanceId=gen{n}" if n else None,
        )
        for n in range(3)
    ]
    fake.fake.fail_requests(503, route="list_predictions")  # a GET: the client retries it
    first = await client.list_predictions()
    assert [p.id for p in first.results] == [created[2].id, created[1].id]
    assert first.previous is None and first.next is not None
    newest = first.results[0]
    assert newest.input == generation_input("TOK number 2", seed=2)
    assert newest.version == version and newest.created_at is not None
    assert newest.webhook == "https://hooks.example/replicate?instanceId=gen2"
    second = await client.list_predictions(first.next)
    assert [p.id for p in second.results] == [created[0].id]
    assert second.results[0].webhook is None  # created without one
    assert second.next is None and second.previous is not None
    statuses = [e.status for e in fake.fake.ledger.requests("list_predictions")]
    assert statuses == [503, 200, 200] and len(sleeps.calls) == 1


async def test_a_prediction_cursor_off_the_api_is_refused(client: ReplicateClient) -> None:
    with pytest.raises(ValueError, match="not a page of this API"):
        await client.list_predictions("https://elsewhere.example/v1/predictions?cursor=2")
    with pytest.raises(ValueError, match="not a page of this API"):
        await client.list_predictions(f"{client.base_url}/trainings?cursor=2")


VERSION = "a" * 64
REQUESTED = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
INPUTS = generation_input("TOK at the beach", seed=None)


def _prediction(webhook: str | None, **fields: Any) -> Prediction:
    body = {
        "id": "p" * 26,
        "status": "starting",
        "version": VERSION,
        "input": INPUTS,
        "created_at": (REQUESTED + timedelta(seconds=3)).isoformat(),
        "webhook": webhook,
    } | fields
    return Prediction.model_validate(body)


def _ours(prediction: Prediction, requested_at: datetime | None = REQUESTED) -> bool:
    return prediction_created_by(
        prediction,
        instance_id="gen1",
        version=f"local/person:{VERSION}",
        input=INPUTS,
        requested_at=requested_at,
    )


def test_a_prediction_is_recognised_by_its_webhook_instance() -> None:
    hook = "http://host/api/ReplicateWebHook?instanceId="
    assert _ours(_prediction(hook + "gen1"))
    assert not _ours(_prediction(hook + "gen2"))
    # The webhook decides when shown, whatever the input.
    assert _ours(_prediction(hook + "gen1", input={"prompt": "other"}))


def test_without_a_webhook_the_same_request_after_ours_is_recognised() -> None:
    assert _ours(_prediction(None))
    assert _ours(_prediction(None), requested_at=REQUESTED.replace(tzinfo=None))  # naive = UTC
    assert not _ours(_prediction(None, input={**INPUTS, "prompt": "TOK elsewhere"}))
    assert not _ours(_prediction(None, version="b" * 64))
    earlier = (REQUESTED - timedelta(seconds=1)).isoformat()
    assert not _ours(_prediction(None, created_at=earlier))  # a user's earlier same prompt
    assert not _ours(_prediction(None), requested_at=None)
