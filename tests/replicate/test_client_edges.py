"""Edge cases the fake cannot produce, with httpx.MockTransport; plus models and input builders."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from pydantic import SecretStr

from calendary.replicate import (
    AuthenticationError,
    PaymentRequiredError,
    Prediction,
    RateLimitedError,
    ReplicateClient,
    RetryPolicy,
    ServerError,
    Training,
    TransportError,
    UnexpectedResponseError,
)
from calendary.replicate.errors import retry_hint
from calendary.replicate.inputs import generation_input, training_input
from calendary.replicate.models import ProblemDetails, is_terminal, split_version
from calendary.settings import Settings
from tests.replicate.conftest import RecordingSleep

TOKEN = "r8_secret_token_value_123"
PREDICTION = {
    "id": "hdwst0bb05rgp0cf0p29mzk2am",
    "model": "o/n",
    "version": "a" * 64,
    "input": {"prompt": "TOK"},
    "logs": "",
    "error": None,
    "status": "starting",
    "created_at": "2023-08-16T19:33:26.678378653Z",
    "urls": {"get": "x", "cancel": "y"},
    "brand_new_field": {"ignored": True},
}


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], sleeps: RecordingSleep, **kwargs: object
) -> ReplicateClient:
    settings = Settings(ReplicateApiKey=TOKEN)
    return ReplicateClient.from_settings(
        settings, transport=httpx.MockTransport(handler), sleep=sleeps, **kwargs
    )


async def test_real_api_defaults_and_bearer_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=PREDICTION)

    async with make_client(handler, RecordingSleep()) as client:
        prediction = await client.get_prediction("hdwst0bb05rgp0cf0p29mzk2am")
    assert str(seen[0].url) == "https://api.replicate.com/v1/predictions/hdwst0bb05rgp0cf0p29mzk2am"
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert prediction.status == "starting" and prediction.created_at is not None


async def test_create_training_and_prefer_wait_requests() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = (
            PREDICTION
            if request.url.path.endswith("predictions")
            else {"id": "t", "status": "starting"}
        )
        return httpx.Response(201, json=body)

    async with make_client(handler, RecordingSleep()) as client:
        await client.create_training(
            "o/n", {"input_images": "https://x/z.zip"}, webhook="https://h/"
        )
        await client.create_prediction("a" * 64, {"prompt": "TOK"}, wait=10)
    training_request, prediction_request = seen
    assert training_request.url.path == (
        "/v1/models/replicate/fast-flux-trainer/versions/"
        "f463fbfc97389e10a2f443a8a84b6953b1058eafbf0c9af4d84457ff07cb04db/trainings"
    )
    import json

    assert json.loads(training_request.content)["webhook_events_filter"] == ["completed"]
    assert prediction_request.headers["prefer"] == "wait=10"
    assert prediction_request.extensions["timeout"]["read"] >= 20


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(429, headers={"Retry-After": "3"}, json={"detail": "x"}), 3.0),
        (httpx.Response(429, json={"detail": "throttled", "retry_after": 5}), 5.0),
        (
            httpx.Response(429, json={"detail": "Your rate limit resets in ~30s."}),
            30.0,
        ),
        (httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), 0.0),
        (httpx.Response(429, text="not json"), None),
    ],
)
def test_retry_hint_sources(response: httpx.Response, expected: float | None) -> None:
    from calendary.replicate.errors import parse_problem

    assert retry_hint(response.headers, parse_problem(response)) == expected


async def test_transport_errors_are_retried_for_gets_only() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) < 2:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json=PREDICTION)

    sleeps = RecordingSleep()
    async with make_client(handler, sleeps) as client:
        assert (await client.get_prediction("p")).id == PREDICTION["id"]
        assert len(sleeps.calls) == 1
        calls.clear()
        with pytest.raises(TransportError):
            await client.create_prediction("a" * 64, {"prompt": "x"})
    assert calls == ["POST"]


async def test_by_default_a_get_is_retried_once_then_left_to_the_caller() -> None:
    """The caller's layer (Durable's policy) owns the retries: one failing call is 2 requests."""
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503, headers={"Retry-After": "1"}, json={"detail": "down"})

    sleeps = RecordingSleep()
    async with make_client(handler, sleeps) as client:
        with pytest.raises(ServerError):
            await client.get_prediction("p")
    assert len(calls) == 2 and sleeps.calls == [1.0]


async def test_timeouts_become_transport_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    sleeps = RecordingSleep()
    async with make_client(handler, sleeps, retry=RetryPolicy(max_retries=1)) as client:
        with pytest.raises(TransportError, match="timed out"):
            await client.get_training("t")
    assert len(sleeps.calls) == 1


async def test_backoff_without_hint_is_bounded() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"detail": "down"})

    sleeps = RecordingSleep()
    policy = RetryPolicy(max_retries=5, budget=2.0, backoff=0.5)
    async with make_client(handler, sleeps, retry=policy) as client:
        with pytest.raises(ServerError):
            await client.get_training("t")
    assert len(sleeps.calls) in range(1, 6) and sum(sleeps.calls) <= 2.0


async def test_402_legacy_object_detail_and_unexpected_bodies() -> None:
    responses = iter(
        [
            httpx.Response(
                402, json={"title": "Insufficient credit", "detail": "buy", "status": 402}
            ),
            httpx.Response(401, json={"detail": {"token": "bad"}}),
            httpx.Response(200, text="<html>proxy page</html>"),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return next(responses)

    async with make_client(handler, RecordingSleep()) as client:
        with pytest.raises(PaymentRequiredError, match="Insufficient credit"):
            await client.get_training("t")
        with pytest.raises(AuthenticationError):
            await client.get_training("t")
        with pytest.raises(UnexpectedResponseError):
            await client.get_training("t")


async def test_token_never_in_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={"detail": "slow down", "retry_after": 1})

    caplog.set_level(logging.DEBUG)
    sleeps = RecordingSleep()
    async with make_client(handler, sleeps) as client:
        with pytest.raises(RateLimitedError) as error:
            await client.get_model("o", "n")
        texts = [repr(client), str(error.value), repr(error.value), caplog.text]
    settings = Settings(ReplicateApiKey=TOKEN)
    texts += [repr(settings), str(settings.model_dump())]
    assert caplog.records, "the client logs its outcomes"
    assert all(TOKEN not in text for text in texts)


def test_client_refuses_missing_token() -> None:
    with pytest.raises(ValueError, match="ReplicateApiKey"):
        ReplicateClient(api_key=SecretStr(""), trainer_model="a/b", trainer_version="v")


def test_models_parse_partial_and_unknown_fields() -> None:
    prediction = Prediction.model_validate(
        {**PREDICTION, "status": "aborted", "logs": "x\nUsing seed: 42069\n"}
    )
    assert prediction.is_terminal and prediction.seed_from_logs == 42069
    assert Prediction.model_validate(
        {**PREDICTION, "output": "data:image/png;base64,AA"}
    ).output_urls == ["data:image/png;base64,AA"]
    training = Training.model_validate_json(
        b'{"id":"t","status":"succeeded","output":{"version":"o/n:'
        + b"b" * 64
        + b'","weights":"w"}}'
    )
    assert training.output is not None and training.output.version_id == "b" * 64
    assert Training.model_validate({"id": "t", "status": "processing"}).is_terminal is False
    assert [
        is_terminal(s) for s in ("starting", "processing", "succeeded", "failed", "canceled")
    ] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert split_version("o/n:abc") == ("o/n", "abc") and split_version("abc") == (None, "abc")
    assert ProblemDetails.model_validate({"detail": {"name": "bad"}}).message == "{'name': 'bad'}"


def test_input_builders_apply_defaults_and_limits() -> None:
    training = training_input("https://x/a.zip")
    assert training["trigger_word"] == "TOK" and training["steps"] == 1000
    assert training["lora_rank"] == 16 and training["autocaption"] is True
    assert (
        training_input("https://x/a.zip", trigger_word="ZXC", steps=500, lora_rank=32)["lora_rank"]
        == 32
    )
    with pytest.raises(ValueError, match="steps"):
        training_input("https://x/a.zip", steps=2)
    generation = generation_input("TOK at the beach", seed=12345)
    assert generation["num_inference_steps"] == 28 and generation["aspect_ratio"] == "1:1"
    assert generation["output_format"] == "jpg" and generation["seed"] == 12345
    assert "seed" not in generation_input("TOK")
    for bad in ({"aspect_ratio": "7:3"}, {"num_inference_steps": 51}):
        with pytest.raises(ValueError):
            generation_input("TOK", **bad)  # type: ignore[arg-type]
