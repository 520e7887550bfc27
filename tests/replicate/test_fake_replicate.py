"""The fake Replicate itself: error bodies, every fault mode, retention, control API and CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from calendary.replicate.webhooks import verify
from tools.fakes.replicate.testing import RunningFake, StubSite

TOKEN = {"Authorization": "Bearer r8_local_fake_token"}


@pytest.fixture
async def api(fake: RunningFake) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake.origin, headers=TOKEN) as http:
        yield http


async def make_version(api: httpx.AsyncClient, fake: RunningFake, site: StubSite, name: str) -> str:
    created = await api.post(
        "/v1/models",
        json={"owner": "local", "name": name, "visibility": "private", "hardware": "cpu"},
    )
    assert created.status_code == 201
    training = await start_training(api, site, name)
    fake.wait_for(lambda: fake.fake.training(training["id"])["status"] == "succeeded")
    return fake.fake.training(training["id"])["output"]["version"].split(":")[1]


async def start_training(
    api: httpx.AsyncClient, site: StubSite, name: str, **extra: Any
) -> dict[str, Any]:
    if "webhook" in extra:
        extra.setdefault("webhook_events_filter", ["completed"])  # what the service sends
    response = await api.post(
        "/v1/models/replicate/fast-flux-trainer/versions/"
        "f463fbfc97389e10a2f443a8a84b6953b1058eafbf0c9af4d84457ff07cb04db/trainings",
        json={
            "destination": f"local/{name}",
            "input": {"input_images": site.url("/good.zip")},
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def with_model(api: httpx.AsyncClient, name: str) -> None:
    body = {"owner": "local", "name": name, "visibility": "private", "hardware": "cpu"}
    assert (await api.post("/v1/models", json=body)).status_code == 201


def assert_problem(response: httpx.Response, status: int, detail: str, **extra: Any) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and detail in body["detail"]
    for key, value in extra.items():
        assert body[key] == value


async def test_error_bodies(api: httpx.AsyncClient, fake: RunningFake, site: StubSite) -> None:
    async with httpx.AsyncClient(base_url=fake.origin) as anonymous:
        no_token = await anonymous.get("/v1/account")
    assert_problem(
        no_token, 401, "You did not pass an authentication token", title="Unauthenticated"
    )
    bad = await api.get("/v1/account", headers={"Authorization": "Bearer r8_nope"})
    assert_problem(bad, 401, "You did not pass a valid authentication token")
    assert_problem(await api.get("/v1/trainings/abc"), 404, "Not found.")
    assert_problem(await api.get("/v1/nothing/here"), 404, "could not be found")
    await with_model(api, "dup")
    again = await api.post(
        "/v1/models",
        json={"owner": "local", "name": "dup", "visibility": "private", "hardware": "cpu"},
    )
    assert_problem(again, 409, "already exists", title="Conflict")
    bad_name = await api.post(
        "/v1/models",
        json={"owner": "local", "name": "-Bad", "visibility": "private", "hardware": "cpu"},
    )
    assert_problem(bad_name, 422, "lowercase letters")
    missing = await api.post(
        "/v1/models/replicate/fast-flux-trainer/versions/"
        "f463fbfc97389e10a2f443a8a84b6953b1058eafbf0c9af4d84457ff07cb04db/trainings",
        json={"destination": "local/none", "input": {}},
    )
    assert_problem(missing, 404, "The specified training destination does not exist")
    wrong_trainer = await api.post(
        "/v1/models/replicate/fast-flux-trainer/versions/" + "0" * 64 + "/trainings",
        json={"destination": "local/dup", "input": {}},
    )
    assert_problem(wrong_trainer, 422, "does not exist", title="Invalid version or not permitted")
    version = await make_version(api, fake, site, "v1")
    invalid = await api.post(
        "/v1/predictions",
        json={
            "version": version,
            "input": {"prompt": 3, "seed": "x"},
            "webhook_events_filter": ["x"],
        },
    )
    assert_problem(invalid, 422, "- input.prompt: Invalid type", title="Input validation failed")
    fields = {(f["type"], f["field"]) for f in invalid.json()["invalid_fields"]}
    assert fields == {
        ("invalid_type", "input.prompt"),
        ("invalid_type", "input.seed"),
        ("enum", "webhook_events_filter"),
    }


async def test_throttling_and_server_error_faults(
    api: httpx.AsyncClient, fake: RunningFake
) -> None:
    fake.fake.fail_requests(429, retry_after=5, route="account")
    throttled = await api.get("/v1/account")
    assert_problem(throttled, 429, "resets in ~5s", retry_after=5)
    assert throttled.headers["retry-after"] == "5"
    fake.fake.fail_requests(503, method="GET")
    assert_problem(await api.get("/v1/account"), 503, "Internal server error")
    assert (await api.get("/v1/account")).json()["username"] == "local"
    faults = [e.fault for e in fake.fake.ledger.requests("account")]
    assert faults == ["status 429", "status 503", None]


async def test_status_after_processing_loses_the_response_not_the_job(
    api: httpx.AsyncClient, fake: RunningFake, site: StubSite
) -> None:
    await with_model(api, "lost")
    fake.fake.fail_requests(502, route="create_training", after=True)
    response = await api.post(
        "/v1/models/replicate/fast-flux-trainer/versions/"
        "f463fbfc97389e10a2f443a8a84b6953b1058eafbf0c9af4d84457ff07cb04db/trainings",
        json={"destination": "local/lost", "input": {"input_images": site.url("/good.zip")}},
    )
    assert response.status_code == 502
    [entry] = fake.fake.ledger.requests("create_training")
    assert entry.fault == "status 502 after processing" and entry.job_id is not None
    assert [t["id"] for t in fake.fake.trainings()] == [entry.job_id]


async def test_slow_requests(api: httpx.AsyncClient, fake: RunningFake) -> None:
    fake.fake.slow_requests(0.2, route="webhook_secret")
    response = await api.get("/v1/webhooks/default/secret")
    assert response.json()["key"] == fake.fake.webhook_secret
    assert [e.fault for e in fake.fake.ledger.requests("webhook_secret")] == ["slow"]


async def test_terminal_webhook_retried_with_same_id_until_2xx(
    api: httpx.AsyncClient, fake: RunningFake, site: StubSite
) -> None:
    site.statuses = [500, 404]
    await with_model(api, "retry")
    training = await start_training(
        api, site, "retry", webhook=site.url("/hook"), webhook_events_filter=["completed"]
    )
    posts = await site.await_posts(3)
    fake.wait_idle()
    assert len({p.headers["webhook-id"] for p in posts}) == 1
    for post in posts:
        verify(post.headers, post.body, fake.fake.webhook_secret)
        assert json.loads(post.body)["id"] == training["id"]
    attempts = [(e.attempt, e.status, e.outcome) for e in fake.fake.ledger.webhooks()]
    assert attempts == [(1, 500, "failed"), (2, 404, "failed"), (3, 200, "delivered")]


async def test_intermediate_webhooks_are_not_retried(
    api: httpx.AsyncClient, fake: RunningFake, site: StubSite
) -> None:
    site.statuses = [500]
    await with_model(api, "start")
    await start_training(
        api, site, "start", webhook=site.url("/hook"), webhook_events_filter=["start", "completed"]
    )
    posts = await site.await_posts(2)
    fake.wait_idle()
    assert [json.loads(p.body)["status"] for p in posts] == ["processing", "succeeded"]
    assert [e.outcome for e in fake.fake.ledger.webhooks()] == ["failed", "delivered"]


async def test_dropped_webhook(api: httpx.AsyncClient, fake: RunningFake, site: StubSite) -> None:
    fake.fake.webhook_fault("drop", kind="training")
    await with_model(api, "drop")
    await start_training(
        api, site, "drop", webhook=site.url("/hook"), webhook_events_filter=["completed"]
    )
    fake.wait_idle()
    assert site.received == []
    assert [e.event for e in fake.fake.ledger.webhooks()] == ["completed"]


async def test_duplicated_webhook(
    api: httpx.AsyncClient, fake: RunningFake, site: StubSite
) -> None:
    fake.fake.webhook_fault("duplicate")
    await with_model(api, "dupe")
    await start_training(api, site, "dupe", webhook=site.url("/hook"))
    first, second = await site.await_posts(2)
    fake.wait_idle()
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    assert [e.fault for e in fake.fake.ledger.webhooks()] == [None, "duplicate"]


async def test_reordered_webhooks(
    api: httpx.AsyncClient, fake: RunningFake, site: StubSite
) -> None:
    fake.fake.webhook_fault("reorder", count=2)
    await with_model(api, "order")
    await start_training(
        api, site, "order", webhook=site.url("/a"), webhook_events_filter=["start", "completed"]
    )
    posts = await site.await_posts(2)
    fake.wait_idle()
    assert [json.loads(p.body)["status"] for p in posts] == ["succeeded", "processing"]
    await start_training(api, site, "order", webhook=site.url("/b"))  # only "completed" asked for
    posts = (await site.await_posts(4))[2:]
    assert [json.loads(p.body)["status"] for p in posts] == ["succeeded", "processing"]


async def test_delayed_webhook(api: httpx.AsyncClient, fake: RunningFake, site: StubSite) -> None:
    fake.fake.webhook_fault("delay", delay=0.3)
    await with_model(api, "late")
    training = await start_training(api, site, "late", webhook=site.url("/hook"))
    fake.wait_for(lambda: fake.fake.training(training["id"])["status"] == "succeeded")
    [post] = await site.await_posts(1)
    fake.wait_idle()
    assert json.loads(post.body)["status"] == "succeeded"
    assert [e.fault for e in fake.fake.ledger.webhooks()] == ["delay"]


async def test_injected_training_failure(
    api: httpx.AsyncClient, fake: RunningFake, site: StubSite
) -> None:
    fake.fake.fail_jobs("training", error="CUDA out of memory")
    await with_model(api, "oom")
    await start_training(api, site, "oom", webhook=site.url("/hook"))
    [post] = await site.await_posts(1)
    fake.wait_idle()
    body = json.loads(post.body)
    assert (body["status"], body["error"], body["output"]) == ("failed", "CUDA out of memory", None)
    model = (await api.get("/v1/models/local/oom")).json()
    assert model["latest_version"] is None


async def test_default_event_filter_sends_output_and_completed(
    api: httpx.AsyncClient, fake: RunningFake, site: StubSite
) -> None:
    version = await make_version(api, fake, site, "events")
    created = await api.post(
        "/v1/predictions",
        json={"version": version, "input": {"prompt": "TOK"}, "webhook": site.url("/p")},
    )
    assert created.status_code == 201 and set(created.json()) >= {"id", "urls", "status"}
    posts = await site.await_posts(2)
    fake.wait_idle()
    assert [e.event for e in fake.fake.ledger.webhooks()] == ["output", "completed"]
    assert all(json.loads(p.body)["status"] == "succeeded" for p in posts)


async def test_outputs_expire_after_the_retention_time(
    api: httpx.AsyncClient, fake: RunningFake, site: StubSite
) -> None:
    version = await make_version(api, fake, site, "ttl")
    done = await api.post(
        "/v1/predictions",
        json={"version": version, "input": {"prompt": "TOK", "seed": 1}},
        headers={"Prefer": "wait=5"},
    )
    assert done.headers["preference-applied"] == "wait=5"
    body = done.json()
    [url] = body["output"]
    assert (await api.get(url)).headers["content-type"] == "image/webp"
    fake.fake.advance_clock(3601)
    assert (await api.get(url)).status_code == 404
    later = (await api.get(f"/v1/predictions/{body['id']}")).json()
    assert (later["output"], later["data_removed"], later["status"]) == (None, True, "succeeded")


async def test_control_api(api: httpx.AsyncClient, fake: RunningFake) -> None:
    control = httpx.AsyncClient(base_url=fake.origin)
    added = await control.post(
        "/_fake/faults/requests", json={"status": 429, "retry_after": 2, "route": "hardware"}
    )
    assert added.status_code == 201 and added.json()["requests"][0]["status"] == 429
    assert (await control.post("/_fake/faults/webhooks", json={"mode": "drop"})).status_code == 201
    assert (
        await control.post("/_fake/faults/jobs", json={"kind": "prediction"})
    ).status_code == 201
    assert (
        await control.post("/_fake/faults/webhooks", json={"mode": "explode"})
    ).status_code == 400
    assert (await api.get("/v1/hardware")).status_code == 429
    assert (await api.get("/v1/hardware")).status_code == 200
    ledger = (await control.get("/_fake/ledger", params={"route": "hardware"})).json()
    assert [e["status"] for e in ledger] == [429, 200]
    cleared = (await control.delete("/_fake/faults")).json()
    assert cleared == {"requests": [], "webhooks": [], "jobs": []}
    config = await control.post(
        "/_fake/config",
        json={"training_schedule": {"starting": 1, "processing": 2}, "output_ttl": 60},
    )
    assert config.json()["training_schedule"] == {"starting": 1.0, "processing": 2.0}
    assert "webhook_secret" not in config.json()
    assert fake.fake.config.output_ttl == 60
    assert (await control.post("/_fake/clock", json={"seconds": 30})).json() == {"offset": 30.0}
    assert (await control.get("/_fake/jobs")).json() == {"trainings": [], "predictions": []}
    await control.post("/_fake/reset")
    assert fake.fake.ledger.entries() == []
    await control.aclose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_cli_serves_the_fake_with_the_local_token() -> None:
    port = free_port()
    env = {**os.environ, "FAKE_REPLICATE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.fakes.replicate", "--port", str(port), "--instant"],
        env=env,
        stdout=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/v1/webhooks/default/secret", headers=TOKEN
                )
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert response.json() == {"key": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
    finally:
        process.terminate()
        process.wait(timeout=10)
