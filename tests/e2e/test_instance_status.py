"""GET /api/instances/{id}, where a 202 points callers: the service's envelope, no Durable link,
no system key (the local host puts one in Durable's links, as Azure does), no input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from api import routes
from devhost.binding import system_key
from tests.e2e.openapi_contract import Contract
from tests.e2e.stack import Stack
from tools.fakes.replicate.config import Schedule

FIELDS = {"runtimeStatus", "customStatus", "output", "createdTime", "lastUpdatedTime"}


def _clean(answer: httpx.Response) -> httpx.Response:
    """An answer that hands on no Durable link and no system key, in its body or headers."""
    text = answer.text + " " + " ".join(answer.headers.values())
    for leak in ("code=", system_key(), "/runtime/webhooks/"):
        assert leak not in text, (leak, text)
    return answer


def _body(contract: Contract, answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    route = routes.INSTANCE_STATUS
    return contract.check(route, status, answer.headers["content-type"], answer.content)


def test_a_202_points_to_the_status_route_which_follows_the_workflow(
    stack: Stack, chat_id: str
) -> None:
    contract = Contract(stack.get(routes.OPENAPI.path).json())
    stack.upload(chat_id, [1, 2, 3, 4, 5])
    # The training stays on the fake for ten minutes: the workflow still runs while we look.
    stack.fake.fake.set_schedule(training=Schedule(processing=600))
    stack.change_settings(train_wait=timedelta(0))

    started = _clean(stack.post(routes.CREATE_AND_TRAIN_MODEL.path, {"userId": chat_id}))
    assert started.status_code == 202, started.text
    data = started.json()["data"]
    link = f"{stack.host.base_url}/api/instances/{data['id']}"
    assert data["statusQueryGetUri"] == started.headers["location"] == link
    assert set(data) == {"id", "statusQueryGetUri", "userId"}

    def training_started() -> dict[str, Any] | None:
        body = _body(contract, _clean(stack.http.get(link)), 202)["data"]
        return body if (body["customStatus"] or {}).get("trainingId") else None

    running = stack.wait_until(training_started)
    assert set(running) == FIELDS and running["runtimeStatus"] == "Running"
    assert running["output"] is None and running["createdTime"]

    durable = f"{stack.host.base_url}/runtime/webhooks/durabletask/instances/{data['id']}"
    stack.http.post(f"{durable}/terminate", params={"reason": "test over"})
    stack.wait_instance(data["id"])
    ended = _body(contract, _clean(stack.http.get(link)), 200)["data"]
    # Only a completed workflow's output is shown; a failure's text stays in the logs.
    assert ended["runtimeStatus"] == "Terminated" and ended["output"] is None


def test_only_this_services_workflow_ids_are_answered(stack: Stack, chat_id: str) -> None:
    contract = Contract(stack.get(routes.OPENAPI.path).json())
    stack.upload(chat_id, [1])  # the chat's entity exists now: `@chat@{chatId}`
    for instance_id in (
        f"chat{chat_id}-nosuchinstance",
        f"%40chat%40{chat_id}",
        "b1946ac92492d2347c6235b4d2611184",
        "chat12-..",
    ):
        answer = stack.http.get(f"{stack.host.base_url}/api/instances/{instance_id}")
        body = _body(contract, answer, 404)
        assert body == {"success": False, "data": None, "error": body["error"]}
        assert "no workflow" in body["error"]
