"""Every route's live answers, successes, refusals and 202s alike, match the schema the served
OpenAPI document gives for that route and status."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from api import openapi_spec, routes
from api.routes import Route
from calendary.replicate.webhooks import signature
from tests.e2e.openapi_contract import Contract
from tests.e2e.stack import Stack

NO_WAIT = timedelta(0)  # the starter answers 202 at its first look at the workflow


class Client:
    """Sends one request to a route and checks the answer against the contract."""

    def __init__(self, stack: Stack, contract: Contract) -> None:
        self.stack = stack
        self.contract = contract

    def send(self, route: Route, status: int, path: str | None = None, **request: Any) -> Any:
        url = f"{self.stack.host.base_url}/api/{path or route.path}"
        response = self.stack.http.request(route.method, url, **request)
        assert response.status_code == status, (route.name, response.text)
        content_type = response.headers.get("content-type", "")
        return self.contract.check(route, status, content_type, response.content)

    @contextmanager
    def settings(self, **changes: Any) -> Iterator[None]:
        with self.stack.reconfigure(**changes):
            yield

    def webhook(self, status: int, body: bytes, query: str, signed: bool = True) -> Any:
        stamp = str(int(time.time()))
        secret = self.stack.fake.fake.webhook_secret
        headers = {"webhook-id": "msg_contract", "webhook-timestamp": stamp}
        if signed:
            headers["webhook-signature"] = signature(secret, "msg_contract", stamp, body)
        path = f"{routes.REPLICATE_WEBHOOK.path}{query}"
        return self.send(routes.REPLICATE_WEBHOOK, status, path, content=body, headers=headers)


def test_every_route_answers_as_its_document_says(stack: Stack, chat_id: str) -> None:
    document = stack.get(routes.OPENAPI.path).json()
    api = Client(stack, Contract(document))
    other = chat_id + "1"  # a second chat for the 202 upload and erase
    photos = [stack.photo_url(n) for n in range(41, 47)]

    api.send(routes.HEALTH, 200)
    api.send(routes.OPENAPI, 200)

    upload = routes.UPLOAD_IMAGES
    api.send(upload, 400, json={"userId": "../x", "imageUrls": photos})
    uploaded = api.send(upload, 200, json={"userId": chat_id, "imageUrls": photos})
    assert uploaded["data"]["instanceId"]
    with api.settings(upload_wait=NO_WAIT):
        waiting = api.send(upload, 202, json={"userId": other, "imageUrls": photos[:1]})
    assert waiting["data"]["userId"] == other
    stack.wait_instance(waiting["data"]["id"])

    api.send(routes.CHAT_STATUS, 200, f"chats/{chat_id}/status")
    api.send(routes.CHAT_STATUS, 400, "chats/abc/status")

    train = routes.CREATE_AND_TRAIN_MODEL
    api.send(train, 400, json={"userId": chat_id + "2"})  # a chat without photos
    with api.settings(photo_gate=True):  # gradients, no faces: every photo is rejected
        gated = api.send(train, 400, json={"userId": chat_id})
    assert gated["data"]["passing"] == 0 and len(gated["data"]["replace"]) == len(photos)
    with api.settings(replicate_owner=""):
        api.send(train, 503, json={"userId": chat_id})
    started = api.send(train, 200, json={"userId": chat_id, "triggerWord": "TOK"})["data"]
    stack.wait_training(chat_id, instance_id=started["instanceId"])

    generate = routes.GENERATE_IMAGE
    prompt = {"userId": chat_id, "trainingId": started["trainingId"], "prompt": "TOK at sea"}
    api.send(generate, 400, json={**prompt, "prompt": ""})
    api.send(generate, 404, json={**prompt, "trainingId": "nosuchtraining"})
    api.send(generate, 200, json=prompt)
    stack.fake.fake.fail_jobs("prediction", error="NSFW content detected")
    failed = api.send(generate, 502, json=prompt)
    assert failed["data"]["status"] == "failed" and failed["data"]["generationId"]
    with api.settings(generate_wait=NO_WAIT):
        waiting = api.send(generate, 202, json=prompt)
    assert waiting["data"]["generationId"] == waiting["data"]["id"]
    stack.wait_instance(waiting["data"]["id"])
    followed = api.send(routes.INSTANCE_STATUS, 200, f"instances/{waiting['data']['id']}")
    assert followed["data"]["runtimeStatus"] == "Completed"
    api.send(routes.INSTANCE_STATUS, 404, f"instances/chat{chat_id}-nosuchinstance")
    with api.settings(train_wait=NO_WAIT):
        waiting = api.send(train, 202, json={"userId": chat_id})
    stack.wait_instance(waiting["data"]["id"])

    done = b'{"id": "t1", "status": "succeeded", "output": {"version": "a/b:c"}}'
    api.webhook(401, done, "?instanceId=nosuchinstance", signed=False)
    api.webhook(400, done, "")
    api.webhook(400, b"[1, 2]", "?instanceId=nosuchinstance")
    ignored = api.webhook(200, done, "?instanceId=nosuchinstance")
    assert ignored["data"]["outcome"] == "ignored"

    erase = routes.ERASE_CHAT
    api.send(erase, 400, "chats/abc")
    with api.settings(erase_wait=NO_WAIT):
        waiting = api.send(erase, 202, f"chats/{other}")
    stack.wait_instance(waiting["data"]["id"])
    api.send(erase, 200, f"chats/{chat_id}")

    checked = api.contract.checked
    assert {name for name, _ in checked} == {route.name for route in routes.ALL}
    assert {(name, status) for name, status in checked if status >= 400} == {
        (upload.name, 400),
        (routes.CHAT_STATUS.name, 400),
        (train.name, 400),
        (train.name, 503),
        (generate.name, 400),
        (generate.name, 404),
        (generate.name, 502),
        (routes.REPLICATE_WEBHOOK.name, 400),
        (routes.REPLICATE_WEBHOOK.name, 401),
        (erase.name, 400),
        (routes.INSTANCE_STATUS.name, 404),
    }


# The checker itself, on the document built in process: it must be able to fail.

JSON = "application/json; charset=utf-8"


def test_an_answer_missing_a_documented_field_is_refused() -> None:
    body = b'{"success": true, "data": {"archiveUrl": "", "imageCount": 1}, "error": null}'
    with pytest.raises(AssertionError, match="instanceId"):
        Contract(openapi_spec.build()).check(routes.UPLOAD_IMAGES, 200, JSON, body)


def test_an_answer_with_a_field_the_document_does_not_list_is_refused() -> None:
    body = b'{"success": true, "data": {"status": "ok", "uptime": 3}, "error": null}'
    with pytest.raises(AssertionError, match="uptime"):
        Contract(openapi_spec.build()).check(routes.HEALTH, 200, JSON, body)


def test_an_undocumented_status_or_a_body_where_none_is_documented_is_refused() -> None:
    contract = Contract(openapi_spec.build())
    error = b'{"success": false, "data": null, "error": "no"}'
    with pytest.raises(AssertionError, match="not in the document"):
        contract.check(routes.HEALTH, 404, JSON, error)
    with pytest.raises(AssertionError, match="without a body"):
        contract.check(routes.UPLOAD_IMAGES, 401, JSON, error)
    with pytest.raises(AssertionError, match="does not match"):
        contract.check(routes.GENERATE_IMAGE, 404, JSON, b'{"success": true, "error": 1}')
    contract.check(routes.GENERATE_IMAGE, 404, JSON, error)
    assert contract.checked == {(routes.GENERATE_IMAGE.name, 404)}
