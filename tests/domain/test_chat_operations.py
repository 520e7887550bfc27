"""The chat entity's JSON operations: a whole chat history through them, and loud failures."""

import json

import pytest

from calendary.domain.chat_operations import OPERATIONS, apply
from calendary.domain.chat_state import ChatState, ChatStateError
from calendary.domain.index_md import render_index
from tests.domain.builders import T0, candidate


def run(state: dict | None, operation: str, payload: object = None) -> tuple[dict, dict]:
    """Every value crosses as JSON text, as it does through the Durable entity."""
    new_state, result = apply("123456789", state, operation, json.loads(json.dumps(payload)))
    return json.loads(json.dumps(new_state)), json.loads(json.dumps(result))


def test_a_whole_chat_history_through_json_operations() -> None:
    at = T0.isoformat()
    images = {
        "candidates": [candidate(i).model_dump(mode="json") for i in range(1, 6)],
        "max_images": 100,
    }
    state, reg = run(None, "register_images", images)
    assert reg["image_count"] == 5
    request = {"instance_id": "i1", "owner": "chernikov", "trigger_word": "TOK", "steps": 1000}
    state, res = run(
        state, "reserve_training", {"request": {**request, "requested_at": at}, "min_images": 5}
    )
    assert res["result"] == "reserved"
    assert res["training"]["model_id"] == "chernikov/telegram_flux_123456789_1_i1"
    started = {"instance_id": "i1", "training_id": "tr1", "archive_url": "https://a/x.zip"}
    state, _ = run(state, "record_training_started", started)
    finished = {
        "instance_id": "i1",
        "status": "succeeded",
        "completed_at": at,
        "version": "v1abcdef",
    }
    state, _ = run(state, "record_training_finished", finished)
    generation = {"generation_id": "g1", "training_id": "tr1", "prompt": "TOK", "requested_at": at}
    state, added = run(state, "add_generation", generation)
    assert (added["result"], added["version"]) == ("ok", "v1abcdef")
    done = {"generation_id": "g1", "status": "succeeded", "completed_at": at, "output_seed": 3}
    state, _ = run(state, "complete_generation", done)
    same, got = run(state, "get")
    assert same == got == state
    assert "- Seed: 3" in render_index(ChatState.model_validate(state))


def test_unknown_operations_and_bad_inputs_fail_loudly() -> None:
    with pytest.raises(ChatStateError):
        run(None, "drop_everything")
    with pytest.raises(ValueError):
        run(None, "register_images", {"candidates": "nope"})
    assert set(OPERATIONS) >= {"register_images", "reserve_training"}


def test_a_get_of_a_chat_without_a_record_creates_none() -> None:
    state, got = run(None, "get")
    assert state is None
    assert got == ChatState(chat_id="123456789").model_dump(mode="json")
