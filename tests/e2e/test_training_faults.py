"""Training under Replicate's real-world faults: webhooks lost, repeated, reordered, early, forged;
throttling and errors on every call; a failing training; two requests racing for one chat."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from calendary.replicate.webhooks import signature
from orchestrators.replicate_wait import REPLICATE_EVENT
from tests.e2e.stack import Stack
from tools.fakes.replicate.config import Schedule


def _ready_chat(stack: Stack, chat_id: str) -> None:
    stack.upload(chat_id, [21, 22, 23, 24, 25])


def _history(stack: Stack, instance_id: str) -> list[str]:
    """The instance's history as event types; the webhook's event shows as `ReplicateWebhook`."""
    url = f"{stack.host.base_url}/runtime/webhooks/durabletask/instances/{instance_id}"
    body = stack.http.get(url, params={"showHistory": "true"}).json()
    return [
        REPLICATE_EVENT
        if e["EventType"] == "EventRaised" and e.get("Name", "").startswith(REPLICATE_EVENT)
        else e["EventType"]
        for e in body["historyEvents"]
    ]


def _failed_tasks(stack: Stack, instance_id: str) -> list[tuple[str, str]]:
    """(activity, reason) of every failed activity attempt in the instance's history."""
    url = f"{stack.host.base_url}/runtime/webhooks/durabletask/instances/{instance_id}"
    body = stack.http.get(url, params={"showHistory": "true"}).json()
    return [
        (e.get("FunctionName", ""), e.get("Reason", ""))
        for e in body["historyEvents"]
        if e["EventType"] == "TaskFailed"
    ]


def test_duplicated_webhook_completes_once(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.webhook_fault("duplicate", kind="training")
    started = stack.train(chat_id)
    assert stack.wait_training(chat_id, instance_id=started["instanceId"])["status"] == "succeeded"
    stack.fake.wait_idle()
    deliveries = stack.fake.fake.ledger.webhooks(job_id=started["trainingId"], event="completed")
    assert len(deliveries) == 2 and all(d.status == 200 for d in deliveries)
    assert len({d.webhook_id for d in deliveries}) == 1
    kinds = [m["messageType"] for m in stack.messages(chat_id)]
    assert kinds.count("training_complete") == 1


def test_reordered_webhooks_keep_the_terminal_state(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.webhook_fault("reorder", kind="training")
    started = stack.train(chat_id)
    assert stack.wait_training(chat_id, instance_id=started["instanceId"])["status"] == "succeeded"
    stack.fake.wait_idle()
    statuses = [d.job_status for d in stack.fake.fake.ledger.webhooks(job_id=started["trainingId"])]
    assert statuses[0] == "succeeded" and "processing" in statuses[1:]
    assert stack.status(chat_id)["latestTraining"]["status"] == "succeeded"
    assert stack.trainings(chat_id)[0].status == "succeeded"


def test_webhook_arriving_before_the_workflow_waits(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    # Replicate finishes (and calls back) while our create-training call still waits for its
    # answer: the event reaches the workflow before it even knows the training id.
    stack.fake.fake.slow_requests(1.0, route="create_training", after=True)
    started = stack.train(chat_id)
    assert stack.wait_training(chat_id, instance_id=started["instanceId"])["status"] == "succeeded"
    (delivered,) = stack.fake.fake.ledger.webhooks(job_id=started["trainingId"], event="completed")
    (created,) = stack.fake.fake.ledger.requests("create_training")
    assert delivered.at < created.at  # the webhook was answered before the create call was
    assert delivered.status == 200
    events = _history(stack, started["instanceId"])
    assert REPLICATE_EVENT in events and "TimerFired" not in events


def test_lost_webhook_is_recovered_by_the_timer_and_a_check(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.webhook_fault("drop", kind="training")
    started = stack.train(chat_id)
    training = stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert training["status"] == "succeeded" and training["version"]
    events = _history(stack, started["instanceId"])
    assert "TimerFired" in events and REPLICATE_EVENT not in events
    assert stack.fake.fake.ledger.count("get_training") >= 1
    assert "training_complete" in [m["messageType"] for m in stack.messages(chat_id)]


def test_forged_webhook_is_refused(stack: Stack, chat_id: str) -> None:
    body = b'{"id": "x", "status": "succeeded", "output": {"version": "a/b:c"}}'
    stamp = str(int(time.time()))
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": stamp,
        "webhook-signature": signature("whsec_" + "QUJD" * 8, "msg_1", stamp, body),
        "content-type": "application/json",
    }
    url = f"{stack.host.base_url}/api/ReplicateWebHook?instanceId=abc"
    response = httpx.post(url, content=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "data": None,
        "error": "webhook signature: no webhook-signature entry matches",
    }
    missing = httpx.post(url, content=body, headers={"content-type": "application/json"})
    assert missing.status_code == 401


def test_genuine_webhook_for_an_unknown_instance_is_acknowledged(stack: Stack) -> None:
    body = b'{"id": "t1", "status": "succeeded", "output": {"version": "a/b:c"}}'
    stamp = str(int(time.time()))
    headers = {
        "webhook-id": "msg_2",
        "webhook-timestamp": stamp,
        "webhook-signature": signature(stack.fake.fake.webhook_secret, "msg_2", stamp, body),
    }
    url = f"{stack.host.base_url}/api/ReplicateWebHook?instanceId=nosuchinstance"
    response = httpx.post(url, content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["data"] == {"instanceId": "nosuchinstance", "outcome": "ignored"}
    malformed = httpx.post(url, content=b"[1, 2]", headers=headers)
    assert malformed.status_code == 401  # the signature covers the body: a changed body fails


def test_throttling_and_errors_on_every_call_still_train_exactly_once(
    stack: Stack, chat_id: str
) -> None:
    _ready_chat(stack, chat_id)
    fake = stack.fake.fake
    for route in ("create_model", "create_training", "get_training", "create_prediction"):
        fake.fail_requests(429, retry_after=1, route=route, count=2)
        fake.fail_requests(503, route=route, count=1)
    started = stack.post("CreateAndTrainModel", {"userId": chat_id})
    assert started.status_code in (200, 202), started.text
    training = stack.wait_training(chat_id, timeout=60)
    assert training["status"] == "succeeded"
    assert fake.ledger.count("create_training", status=201) == 1
    assert len(fake.trainings()) == 1
    assert fake.ledger.count("create_model", status=201) == 1
    generated = stack.post(
        "GenerateImage",
        {"userId": chat_id, "trainingId": training["trainingId"], "prompt": "TOK at sea"},
    )
    assert generated.status_code == 200, generated.text
    assert len(fake.predictions()) == 1


def test_a_lost_create_answer_does_not_start_a_second_training(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    fake = stack.fake.fake
    # Replicate creates (and bills) the training, but our call sees a 502 and is retried.
    fake.fail_requests(502, route="create_training", after=True)
    # Each attempt first lists Replicate's trainings; slow answers let the training end before
    # the retry finds it, so the workflow must take a finished training as its start.
    fake.slow_requests(1.0, route="list_trainings", count=2)
    started = stack.post("CreateAndTrainModel", {"userId": chat_id})
    assert started.status_code in (200, 202), started.text
    training = stack.wait_training(chat_id)
    assert training["status"] == "succeeded"
    (only,) = fake.trainings()
    assert training["trainingId"] == only["id"]
    creates = fake.ledger.requests("create_training")
    assert [c.status for c in creates] == [502]
    assert creates[0].fault == "status 502 after processing" and creates[0].job_id == only["id"]
    assert fake.ledger.count("list_trainings", status=200) == 2  # one look before each create
    assert [row.replicate_id for row in stack.trainings(chat_id)] == [only["id"]]
    kinds = [m["messageType"] for m in stack.messages(chat_id)]
    assert kinds == ["upload_complete", "training_started", "training_complete"]


def test_failed_training_is_recorded_and_reported(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.fail_jobs("training", error="input_images must be a zip file")
    started = stack.train(chat_id)
    training = stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert training["status"] == "failed"
    assert stack.trainings(chat_id)[0].status == "failed"
    kinds = [m["messageType"] for m in stack.messages(chat_id)]
    assert kinds[-1] == "training_failed"
    index = stack.read_blob(f"{chat_id}/index.md").decode()
    assert f"- Training ID: {started['trainingId']}" in index and "- Status: failed" in index
    refused = stack.post(
        "GenerateImage", {"userId": chat_id, "trainingId": started["trainingId"], "prompt": "x"}
    )
    assert refused.status_code == 409
    # The slot is free again: a new training may start.
    assert stack.post("CreateAndTrainModel", {"userId": chat_id}).status_code in (200, 202)


def test_two_racing_requests_start_one_training(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.set_schedule(training=Schedule(starting=0.5, processing=0.5))

    def request(_: int) -> httpx.Response:
        return stack.post("CreateAndTrainModel", {"userId": chat_id})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = sorted(r.status_code for r in pool.map(request, range(2)))
    assert answers[0] in (200, 202) and answers[1] == 409, answers
    stack.wait_training(chat_id)
    assert len(stack.fake.fake.trainings()) == 1


def test_a_ten_megabyte_webhook_is_read_whole(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.webhook_fault("drop", kind="training")
    started = stack.train(chat_id)
    # A training's final body carries its logs; Replicate's can be megabytes long.
    body = (
        b'{"id": "%s", "status": "succeeded", "output": {"version": "kaizen/m:%s"}, "logs": "%s"}'
        % (started["trainingId"].encode(), b"a" * 64, b"x" * (10 * 1024 * 1024))
    )
    stamp = str(int(time.time()))
    headers = {
        "webhook-id": "msg_big",
        "webhook-timestamp": stamp,
        "webhook-signature": signature(stack.fake.fake.webhook_secret, "msg_big", stamp, body),
        "content-type": "application/json",
    }
    url = f"{stack.host.base_url}/api/ReplicateWebHook?instanceId={started['instanceId']}"
    response = stack.http.post(url, content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["instanceId"] == started["instanceId"]
    training = stack.wait_training(chat_id)
    assert training["status"] == "succeeded"


def test_a_terminated_workflow_frees_the_chat_once_replicate_is_done(
    stack: Stack, chat_id: str
) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.set_schedule(training=Schedule(starting=0.2, processing=1.5))
    first = stack.train(chat_id)
    assert stack.post("CreateAndTrainModel", {"userId": chat_id}).status_code == 409
    base = f"{stack.host.base_url}/runtime/webhooks/durabletask/instances/{first['instanceId']}"
    assert stack.http.post(f"{base}/terminate", params={"reason": "stuck"}).status_code == 202
    stack.wait_until(lambda: stack.instance(first["instanceId"])["runtimeStatus"] == "Terminated")

    # The workflow is gone but its training still runs on Replicate: the slot stays taken.
    busy = stack.post("CreateAndTrainModel", {"userId": chat_id})
    assert busy.status_code == 409
    assert busy.json()["error"] == "a training of this chat is still running on Replicate"

    # Once Replicate is done, the next request records that end (a model that succeeded is
    # kept) and starts the new training.
    stack.wait_until(lambda: stack.fake.fake.training(first["trainingId"])["status"] == "succeeded")
    second = stack.post("CreateAndTrainModel", {"userId": chat_id})
    assert second.status_code == 200, second.text
    assert re.search(r"_2_[0-9a-f]{8}$", second.json()["data"]["modelId"])
    entity = f"{stack.host.base_url}/runtime/webhooks/durabletask/entities/chat/{chat_id}"
    trainings = stack.http.get(entity).json()["chat"]["trainings"]
    assert trainings[0]["training_id"] == first["trainingId"]
    assert trainings[0]["status"] == "succeeded" and trainings[0]["version"]
    # The freeing ran as its own workflow, under the id derived from the stale one, and recorded
    # that end as the training workflow would have, its Trainings row included.
    freeing = stack.instance(f"chat{chat_id}-free-slot-{first['instanceId']}")
    assert freeing["runtimeStatus"] == "Completed" and freeing["output"] == {"freed": True}
    rows = {row.replicate_id: row.status for row in stack.trainings(chat_id)}
    assert rows[first["trainingId"]] == "succeeded"


def test_a_training_replicate_forgot_ends_as_failed(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.set_schedule(training=Schedule(starting=0.1, processing=60))
    stack.fake.fake.webhook_fault("drop", kind="training")
    # Replicate no longer knows the training (as the local fake after a restart): checks get 404.
    stack.fake.fake.fail_requests(404, route="get_training", count=5)
    started = stack.train(chat_id)
    training = stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert training["status"] == "failed"
    checks = [
        c.status
        for c in stack.fake.fake.ledger.requests("get_training")
        if c.path and c.path.endswith(started["trainingId"])
    ]
    assert checks == [404]  # one check: a lost job is final, not retried
    kinds = [m["messageType"] for m in stack.messages(chat_id)]
    assert kinds == ["upload_complete", "training_started", "training_failed"]


def test_replicate_down_during_the_fallback_check_only_delays_the_result(
    stack: Stack, chat_id: str
) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.webhook_fault("drop", kind="training")
    # The first check exhausts its retries: 6 attempts of the activity, each of which the client
    # tries twice (one in-place retry, for a short Retry-After): 12 requests, no more (two full
    # retry layers used to make it 6 x 4 = 24). The workflow then waits on and asks again.
    stack.fake.fake.fail_requests(500, retry_after=0, route="get_training", count=12)
    started = stack.train(chat_id)
    training = stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert training["status"] == "succeeded"
    checks = [c.status for c in stack.fake.fake.ledger.requests("get_training")]
    assert checks[:12] == [500] * 12 and checks[12:] == [200]
    failed = _failed_tasks(stack, started["instanceId"])
    # The first check's six attempts, all failed; nothing else failed.
    assert [name for name, _ in failed] == ["check_training"] * 6, failed
    assert stack.fake.fake.ledger.count("cancel_training") == 0


def test_a_webhook_for_another_job_does_not_end_the_wait(stack: Stack, chat_id: str) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.set_schedule(training=Schedule(starting=0.3, processing=0.3))
    started = stack.train(chat_id)
    body = b'{"id": "someotherjob", "status": "failed", "output": {"version": null}}'
    stamp = str(int(time.time()))
    headers = {
        "webhook-id": "msg_other",
        "webhook-timestamp": stamp,
        "webhook-signature": signature(stack.fake.fake.webhook_secret, "msg_other", stamp, body),
    }
    url = f"{stack.host.base_url}/api/ReplicateWebHook?instanceId={started['instanceId']}"
    assert stack.http.post(url, content=body, headers=headers).status_code == 200
    training = stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert training["status"] == "succeeded"


def test_a_training_that_never_ends_is_cancelled_after_three_waits(
    stack: Stack, chat_id: str
) -> None:
    _ready_chat(stack, chat_id)
    stack.fake.fake.set_schedule(training=Schedule(starting=0.1, processing=600))
    started = stack.train(chat_id)
    training = stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert training["status"] == "failed"
    ledger = stack.fake.fake.ledger
    assert ledger.count("get_training") == 3  # one check after each of the three waits
    assert ledger.count("cancel_training") == 1
    assert stack.fake.fake.training(started["trainingId"])["status"] == "canceled"
    kinds = [m["messageType"] for m in stack.messages(chat_id)]
    assert kinds == ["upload_complete", "training_started", "training_failed"]
