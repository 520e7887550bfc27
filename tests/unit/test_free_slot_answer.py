"""The training starter reads the freeing workflow's end from the wait-or-response helper."""

import json

import azure.functions as func
import pytest

from api.trainings import _freed
from calendary.domain.erasure import instance_prefix
from orchestrators.names import free_slot_instance_id


def answer(status_code: int, body: object) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(body), status_code=status_code, mimetype="application/json")


@pytest.mark.parametrize(
    ("response", "freed"),
    [
        (answer(200, {"freed": True}), True),
        (answer(200, {"freed": False}), False),
        # Terminated: the helper answers 200 with the instance's status, not an output.
        (answer(200, {"instanceId": "x", "runtimeStatus": "Terminated", "output": None}), False),
        (answer(202, {"id": "x", "statusQueryGetUri": "http://h/s"}), False),
        (answer(500, {"runtimeStatus": "Failed"}), False),
    ],
)
def test_only_a_completed_freeing_that_freed_the_slot_counts(
    response: func.HttpResponse, freed: bool
) -> None:
    assert _freed(response) is freed


def test_one_freeing_per_stale_workflow_under_the_chats_prefix() -> None:
    first = free_slot_instance_id("42", "chat42-abc")
    assert first == "chat42-free-slot-chat42-abc"
    assert first.startswith(instance_prefix("42"))  # an erase of the chat finds it
    assert first == free_slot_instance_id("42", "chat42-abc") != free_slot_instance_id("42", "x")
