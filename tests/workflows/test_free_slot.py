"""`free_training_slot`: a stale workflow's training recorded as it really ended, then freed or not.

Replayed through the SDK (history in, actions out): the entity's answer decides the output (the
first recorded end wins), and the steps are the training workflow's own record of an end.
"""

from __future__ import annotations

from typing import Any

from tests.workflows.replay import Start
from tests.workflows.steps import CHAT, change_chat, only

STALE = "chat100200300-train-1"
ENDED = {"instance_id": STALE, "status": "succeeded", "completed_at": "2026-12-08T09:30:00Z",
         "version": "owner/m:v1", "predict_time": 600.0, "hardware": "H100"}  # fmt: skip
JOB = {"chat_id": CHAT, "training": ENDED}
# The training's record as the entity answers it (its fields as the entity sent them).
RECORD = {"instance_id": STALE, "number": 1, "model_id": "owner/m", "trigger_word": "TOK",
          "steps": 1000, "training_id": "t1", "created_at": "2026-12-08T09:00:00Z"}  # fmt: skip


def recorded(start: Start, training: dict[str, Any]) -> Any:
    """Run the workflow with the entity answering `training`; its output."""
    run = start("free_training_slot", JOB)
    call = only(run.run(), "entity chat.record_training_finished")
    assert call.input == ENDED  # the end as Replicate reported it, for the stale instance
    row = only(change_chat(run, call, training), "activity record_training")
    assert row.input == {"chat_id": CHAT, "training": training}
    run.complete(row, None)
    assert run.run() == []
    return run.output


def test_a_stale_training_recorded_as_ended_frees_the_slot(start: Start) -> None:
    assert recorded(start, RECORD | {"status": "succeeded"}) == {"freed": True}


def test_a_training_the_entity_still_holds_as_running_frees_nothing(start: Start) -> None:
    # The entity kept an end recorded earlier, or no end at all: the slot stays held.
    assert recorded(start, RECORD | {"status": "processing"}) == {"freed": False}


def test_a_training_replicate_never_created_is_freed_without_a_row(start: Start) -> None:
    run = start("free_training_slot", JOB | {"training": ENDED | {"status": "failed"}})
    call = only(run.run(), "entity chat.record_training_finished")
    refused = {k: v for k, v in RECORD.items() if k != "training_id"} | {"status": "failed"}
    assert change_chat(run, call, refused) == []  # no training id: no Trainings row
    assert run.output == {"freed": True}
