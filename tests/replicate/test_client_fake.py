"""The client against the fake Replicate over real HTTP: the whole flow and every error type."""

from __future__ import annotations

import io
import json
import re

import httpx
import pytest
from PIL import Image

from calendary.replicate import (
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    RateLimitedError,
    ReplicateClient,
    ServerError,
    TransportError,
    verify,
)
from calendary.replicate.inputs import generation_input, training_input
from calendary.replicate.models import Training, split_version
from tests.replicate.conftest import OWNER, RecordingSleep, download, ostris_settings
from tools.fakes.replicate.testing import RunningFake, StubSite


async def trained_version(client: ReplicateClient, fake: RunningFake, site: StubSite) -> str:
    await client.create_model(OWNER, "person-1")
    training = await client.create_training(
        f"{OWNER}/person-1", training_input(site.url("/good.zip"))
    )
    fake.wait_for(lambda: fake.fake.training(training.id)["status"] == "succeeded")
    done = await client.get_training(training.id)
    assert done.output is not None and done.output.version_id is not None
    return done.output.version_id


async def test_model_create_get_and_duplicate(client: ReplicateClient) -> None:
    created = await client.create_model(OWNER, "telegram_flux_1_1", description="User model")
    assert (f"{created.owner}/{created.name}", created.visibility, created.latest_version) == (
        "local/telegram_flux_1_1",
        "private",
        None,
    )
    fetched = await client.get_model(OWNER, "telegram_flux_1_1")
    assert fetched.description == "User model"
    with pytest.raises(ConflictError) as conflict:
        await client.create_model(OWNER, "telegram_flux_1_1")
    assert conflict.value.status == 409
    assert "already exists" in str(conflict.value)
    with pytest.raises(NotFoundError):
        await client.get_model(OWNER, "missing")


async def test_training_succeeds_sets_latest_version_and_sends_signed_webhook(
    client: ReplicateClient, fake: RunningFake, site: StubSite
) -> None:
    await client.create_model(OWNER, "person-2")
    hook = site.url("/hook?instanceId=abc")
    created = await client.create_training(
        f"{OWNER}/person-2", training_input(site.url("/good.zip"), steps=500), webhook=hook
    )
    assert created.status == "starting" and created.output is None
    assert created.input is not None and created.input["steps"] == 500
    [post] = await site.await_posts(1)
    secret = await client.get_webhook_secret()
    verified = verify(post.headers, post.body, secret)
    body = Training.model_validate_json(post.body)
    assert (post.query, body.id, body.status) == ("instanceId=abc", created.id, "succeeded")
    assert verified.id == post.headers["webhook-id"]
    assert body.output is not None and body.output.version is not None
    model, version_id = split_version(body.output.version)
    assert model == "local/person-2" and re.fullmatch("[0-9a-f]{64}", version_id) is not None
    latest = (await client.get_model(OWNER, "person-2")).latest_version
    assert latest is not None and latest.id == version_id
    assert body.output.weights is not None
    weights = await download(body.output.weights)
    assert weights.status_code == 200 and weights.content[257:262] == b"ustar"
    assert fake.fake.ledger.count("create_training") == 1


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/not-a-zip.zip", "input_images must be a zip file"),
        ("/no-images.zip", "No valid images found"),
        ("/broken-images.zip", "No valid images found"),
        ("/missing.zip", "HTTP 404"),
    ],
)
async def test_training_fails_without_a_valid_zip(
    client: ReplicateClient, fake: RunningFake, site: StubSite, path: str, error: str
) -> None:
    await client.create_model(OWNER, "person-3")
    created = await client.create_training(f"{OWNER}/person-3", training_input(site.url(path)))
    fake.wait_for(lambda: fake.fake.training(created.id)["status"] == "failed")
    failed = await client.get_training(created.id)
    assert failed.is_terminal and failed.output is None
    assert error in (failed.error_message or "")


async def test_training_errors(client: ReplicateClient, site: StubSite) -> None:
    with pytest.raises(NotFoundError, match="destination does not exist"):
        await client.create_training("local/nope", training_input(site.url("/good.zip")))
    await client.create_model(OWNER, "person-4")
    with pytest.raises(InvalidRequestError) as invalid:
        await client.create_training(
            "local/person-4", {**training_input(site.url("/good.zip")), "steps": 9000}
        )
    assert [(f.type, f.field) for f in invalid.value.invalid_fields] == [
        ("number_lte", "input.steps")
    ]
    with pytest.raises(NotFoundError):
        await client.get_training("unknowntrainingid000000000")


async def test_cancel_training_from_starting(
    client: ReplicateClient, fake: RunningFake, site: StubSite
) -> None:
    from tools.fakes.replicate.config import Schedule

    fake.fake.set_schedule(training=Schedule(starting=30))
    await client.create_model(OWNER, "person-5")
    created = await client.create_training("local/person-5", training_input(site.url("/good.zip")))
    canceled = await client.cancel_training(created.id)
    assert canceled.status == "canceled" and canceled.completed_at is not None
    again = await client.cancel_training(created.id)  # terminal: unchanged, still 200
    assert again.status == "canceled"


async def test_prediction_with_prefer_wait_returns_real_deterministic_images(
    client: ReplicateClient, fake: RunningFake, site: StubSite
) -> None:
    version = await trained_version(client, fake, site)
    first = await client.create_prediction(
        version, generation_input("a photo of TOK at the beach", seed=12345), wait=True
    )
    assert first.status == "succeeded" and first.seed_from_logs == 12345
    [url] = first.output_urls
    assert url.endswith("/out-0.jpg") and url.startswith(fake.origin + "/delivery/")
    image_bytes = (await download(url)).content
    with Image.open(io.BytesIO(image_bytes)) as image:
        assert (image.format, image.size) == ("JPEG", (1024, 1024))
    second = await client.create_prediction(
        f"local/person-1:{version}",
        generation_input("a photo of TOK at the beach", seed=12345),
        wait=5,
    )
    assert (await download(second.output_urls[0])).content == image_bytes
    other = await client.create_prediction(
        version,
        generation_input("TOK", seed=7, aspect_ratio="16:9", output_format="png", num_outputs=2),
        wait=True,
    )
    assert len(other.output_urls) == 2
    with Image.open(io.BytesIO((await download(other.output_urls[1])).content)) as image:
        assert (image.format, image.size) == ("PNG", (1360, 768))


async def test_prediction_without_seed_logs_the_seed_used(
    client: ReplicateClient, fake: RunningFake, site: StubSite
) -> None:
    version = await trained_version(client, fake, site)
    created = await client.create_prediction(version, generation_input("TOK in a suit"))
    assert created.status == "starting" and created.output is None
    fake.wait_for(lambda: fake.fake.prediction(created.id)["status"] == "succeeded")
    done = await client.get_prediction(created.id)
    assert done.seed_from_logs is not None and len(done.output_urls) == 1


async def test_prediction_validation_errors(
    client: ReplicateClient, fake: RunningFake, site: StubSite
) -> None:
    version = await trained_version(client, fake, site)
    with pytest.raises(InvalidRequestError) as invalid:
        await client.create_prediction(
            version, {"num_inference_steps": 80, "aspect_ratio": "7:3", "colour": "red"}
        )
    problem = invalid.value.problem
    assert problem is not None and problem.title == "Input validation failed"
    assert sorted((f.type, f.field) for f in invalid.value.invalid_fields) == [
        ("additional_property_not_allowed", "input"),
        ("enum", "input.aspect_ratio"),
        ("number_lte", "input.num_inference_steps"),
        ("required", "input"),
    ]
    assert "- input: prompt is required\n" in problem.detail
    with pytest.raises(InvalidRequestError, match="Invalid version"):
        await client.create_prediction("0" * 64, generation_input("TOK"))
    with pytest.raises(InvalidRequestError, match="Invalid version"):
        await client.create_prediction(f"other/model:{version}", generation_input("TOK"))


async def test_cancel_prediction_and_unknown_prediction(
    client: ReplicateClient, fake: RunningFake, site: StubSite
) -> None:
    from tools.fakes.replicate.config import Schedule

    version = await trained_version(client, fake, site)
    fake.fake.set_schedule(prediction=Schedule(starting=30))
    created = await client.create_prediction(version, generation_input("TOK"))
    canceled = await client.cancel_prediction(created.id)
    assert canceled.status == "canceled" and canceled.output is None
    with pytest.raises(NotFoundError):
        await client.get_prediction("nosuchprediction0000000000")
    with pytest.raises(NotFoundError):
        await client.cancel_prediction("nosuchprediction0000000000")


async def test_bad_token_is_permanent_and_never_retried(fake: RunningFake) -> None:
    sleeps = RecordingSleep()
    from pydantic import SecretStr

    settings = ostris_settings(fake, replicate_api_key=SecretStr("r8_wrong"))
    async with ReplicateClient.from_settings(settings, sleep=sleeps) as bad:
        with pytest.raises(AuthenticationError) as error:
            await bad.get_model(OWNER, "x")
    assert error.value.problem is not None and error.value.problem.title == "Unauthenticated"
    assert "valid authentication token" in str(error.value)
    assert "r8_wrong" not in str(error.value) and "r8_wrong" not in repr(bad)
    assert sleeps.calls == [] and fake.fake.ledger.count("get_model") == 1


async def test_get_retries_on_429_honouring_retry_after(
    client: ReplicateClient, fake: RunningFake, sleeps: RecordingSleep
) -> None:
    await client.create_model(OWNER, "person-6")
    fake.fake.fail_requests(429, count=2, route="get_model", retry_after=7)
    model = await client.get_model(OWNER, "person-6")
    assert model.name == "person-6"
    assert sleeps.calls == [7.0, 7.0]
    statuses = [e.status for e in fake.fake.ledger.requests("get_model")]
    assert statuses == [429, 429, 200]


async def test_get_retries_on_5xx_then_gives_up(
    client: ReplicateClient, fake: RunningFake, sleeps: RecordingSleep
) -> None:
    fake.fake.fail_requests(503, count=10, route="get_webhook_secret")  # no such route: no effect
    fake.fake.fail_requests(502, count=10, route="webhook_secret")
    with pytest.raises(ServerError) as error:
        await client.get_webhook_secret()
    assert error.value.status == 502 and error.value.transient
    assert len(sleeps.calls) == 3 and fake.fake.ledger.count("webhook_secret") == 4


async def test_retry_hint_larger_than_budget_is_not_waited(
    client: ReplicateClient, fake: RunningFake, sleeps: RecordingSleep
) -> None:
    fake.fake.fail_requests(429, route="get_training", retry_after=120)
    with pytest.raises(RateLimitedError) as error:
        await client.get_training("whatever00000000000000000a")
    assert error.value.retry_after == 120 and sleeps.calls == []


async def test_creates_are_not_retried(
    client: ReplicateClient, fake: RunningFake, site: StubSite, sleeps: RecordingSleep
) -> None:
    await client.create_model(OWNER, "person-7")
    fake.fake.fail_requests(429, route="create_training", retry_after=2)
    with pytest.raises(RateLimitedError) as error:
        await client.create_training("local/person-7", training_input(site.url("/good.zip")))
    assert error.value.retry_after == 2 and sleeps.calls == []
    fake.fake.fail_requests(500, route="create_prediction", after=True)
    with pytest.raises(ServerError):
        await client.create_prediction("0" * 64, generation_input("TOK"))
    assert fake.fake.ledger.count("create_training") == 1
    assert fake.fake.ledger.count("create_prediction") == 1


async def test_slow_response_times_out_as_transport_error(
    fake: RunningFake, site: StubSite
) -> None:
    sleeps = RecordingSleep()
    async with ReplicateClient.from_settings(
        ostris_settings(fake), timeout=httpx.Timeout(0.2), sleep=sleeps
    ) as impatient:
        await impatient.create_model(OWNER, "person-8")
        # The response is lost but the training exists: exactly what the caller must check for.
        fake.fake.slow_requests(1.0, route="create_training")
        with pytest.raises(TransportError):
            await impatient.create_training("local/person-8", training_input(site.url("/good.zip")))
    assert sleeps.calls == []
    fake.wait_for(lambda: len(fake.fake.trainings()) == 1)
    assert fake.fake.ledger.count("create_training") == 1


async def test_webhook_secret_matches_the_fake(client: ReplicateClient, fake: RunningFake) -> None:
    secret = await client.get_webhook_secret()
    assert secret.get_secret_value() == fake.fake.webhook_secret
    assert json.dumps(fake.fake.config.model_dump(mode="json", exclude={"webhook_secret"}))
