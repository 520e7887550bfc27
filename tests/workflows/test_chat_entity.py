"""The chat entity function as the extension calls it: a batch in, the state and results out.

Only what the pure operations cannot show: whether the entity exists after a batch.
"""

from __future__ import annotations

import json
from typing import Any

from devhost.entities import batch_request
from devhost.loader import FunctionIndex
from tests.workflows.steps import CHAT

ADD = {"generation_id": "g1", "training_id": "t1", "prompt": "TOK", "seed": 1,
       "requested_at": "2026-12-08T09:00:00Z"}  # fmt: skip


def call(index: FunctionIndex, exists: bool, state: str | None, *ops: str) -> dict[str, Any]:
    handle = index.entity("chat")
    assert handle is not None
    # An operation's payload is JSON text, and the message carries it as JSON again.
    payloads = {"add_generation": json.dumps(ADD)}
    batch = [{"op": op, "input": json.dumps(payloads.get(op)), "signal": False} for op in ops]
    return json.loads(handle(batch_request("chat", CHAT, exists, state, batch)))


def test_a_get_of_a_chat_never_seen_leaves_no_entity(app_index: FunctionIndex) -> None:
    answer = call(app_index, False, None, "get")
    assert answer["entityExists"] is False and json.loads(answer["entityState"]) is None
    [result] = answer["results"]
    got = json.loads(result["result"])
    assert got["state"] is None and got["result"]["chat_id"] == CHAT


def test_a_get_of_a_chat_with_a_record_keeps_it(app_index: FunctionIndex) -> None:
    created = call(app_index, False, None, "add_generation")
    assert created["entityExists"] is True
    answer = call(app_index, True, created["entityState"], "get")
    assert answer["entityExists"] is True
    assert json.loads(answer["entityState"]) == json.loads(created["entityState"])
    assert json.loads(answer["results"][0]["result"])["state"]["chat_id"] == CHAT
