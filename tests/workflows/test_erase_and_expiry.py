"""`erase_chat` and `expire_chat_data`: every step, in order, with what each is told to delete.

Replayed through the SDK (history in, actions out): both are straight lines of idempotent
activities, so what matters is their order (stop before delete, purge last) and the ids each is
handed, which the actions show exactly; the real deletions are tested against Azurite elsewhere.
"""

from __future__ import annotations

from typing import Any

from calendary.domain.erasure import chat_hash
from tests.workflows.replay import T0, Replay, Start, Work
from tests.workflows.steps import CHAT, change_chat, chat_read, only

ERASER = f"chat{CHAT}-erase"
TRAINING = {"instance_id": "legacy-1", "number": 1, "model_id": "owner/m", "status": "processing",
            "trigger_word": "TOK", "steps": 1000, "training_id": "t1",
            "created_at": "2026-12-01T00:00:00Z"}  # fmt: skip
GENERATION = {"generation_id": f"chat{CHAT}-g1", "training_id": "t1", "prompt": "x",
              "replicate_id": "p1", "status": "pending",
              "created_at": "2026-12-02T00:00:00Z"}  # fmt: skip


def step(run: Replay, label: str, expected_input: Any, answer: Any) -> None:
    work = only(run.run(), label)
    assert work.input == expected_input
    run.complete(work, answer)


def test_an_erase_stops_deletes_then_purges_in_that_order(start: Start) -> None:
    run = start("erase_chat", {"chat_id": CHAT}, instance_id=ERASER)
    read = only(run.run(), "entity chat.get")
    run.answer(read, chat_read({"chat_id": CHAT, "trainings": [TRAINING],
                                "generations": [GENERATION]}))  # fmt: skip
    step(run, "activity stop_chat_workflows",
         {"chat_id": CHAT, "erase_instance_id": ERASER, "legacy_instance_ids": ["legacy-1"],
          "legacy_upload_batches": []},
         {"instance_ids": [f"chat{CHAT}-g1"], "stopped": 1})  # fmt: skip
    assert run.custom_status == {"stage": "stopping"}
    step(run, "activity cancel_chat_jobs",
         {"chat_id": CHAT, "training_ids": ["t1"], "prediction_ids": ["p1"]},
         {"canceled": 2})  # fmt: skip
    step(run, "activity delete_chat_models", {"model_ids": ["owner/m"]},
         {"versions": 3, "models": 1})  # fmt: skip
    assert run.custom_status == {"stage": "deleting"}
    step(run, "activity erase_chat_blobs", {"chat_id": CHAT}, {"blobs": 12})
    step(run, "activity erase_chat_rows", {"chat_id": CHAT},
         {"trainings": 1, "generations": 1, "deliveries": 2})  # fmt: skip
    step(run, "activity erase_queued_notifications", {"chat_id": CHAT}, {"notifications": 0})
    forget = only(run.run(), "entity chat.erase")
    assert forget.input is None  # the operation as it always was: a name and no input
    run.answer(forget, {"result": "erased", "state": None, "revision": 4})
    step(run, "activity purge_chat_histories",
         {"chat_id": CHAT, "erase_instance_id": ERASER,
          "instance_ids": [f"chat{CHAT}-g1", "legacy-1"]},
         {"instances": 2})  # fmt: skip
    assert run.custom_status == {"stage": "purging"}
    audit = only(run.run(), "activity record_erasure")
    counts = {"workflowsStopped": 1, "jobsCanceled": 2, "modelVersions": 3, "models": 1,
              "blobs": 12, "trainingRows": 1, "generationRows": 1, "deliveryRows": 2,
              "notifications": 0, "histories": 2}  # fmt: skip
    assert audit.input["chat_hash"] == chat_hash(CHAT) and CHAT not in str(audit.input)
    assert audit.input["counts"] == counts and audit.input["outcome"] == "erased"
    run.complete(audit, {"row_key": "r1"})
    assert run.run() == []
    assert run.custom_status == {"stage": "finished"}
    assert run.output == {"outcome": "erased", "counts": counts}


def test_a_chat_without_a_record_is_still_swept(start: Start) -> None:
    run = start("erase_chat", {"chat_id": CHAT}, instance_id=ERASER)
    run.answer(only(run.run(), "entity chat.get"), chat_read(None))
    stop = only(run.run(), "activity stop_chat_workflows")
    assert stop.input["legacy_instance_ids"] == []
    run.complete(stop, {"instance_ids": [], "stopped": 0})
    cancel = only(run.run(), "activity cancel_chat_jobs")
    assert cancel.input == {"chat_id": CHAT, "training_ids": [], "prediction_ids": []}


def test_an_erase_step_failing_past_its_retries_fails_the_erase(start: Start) -> None:
    run = start("erase_chat", {"chat_id": CHAT}, instance_id=ERASER)
    run.answer(only(run.run(), "entity chat.get"), chat_read(None))
    run.exhaust(only(run.run(), "activity stop_chat_workflows"))
    assert run.run() == []
    assert not run.done and "boom" in run.error  # nothing deleted: a rerun starts over


RETENTION = {"chat_id": CHAT, "upload_retention_days": 30, "generated_retention_days": 90}


def expiring(run: Replay, expired: dict[str, Any]) -> Work:
    """The chat has a record; its expire_data answers `expired`: the blob deletion."""
    run.answer(only(run.run(), "entity chat.get"), chat_read({"chat_id": CHAT}))
    expire = only(run.run(), "entity chat.expire_data")
    assert expire.input == {"uploads_before": "2026-11-08T09:00:00+00:00",
                            "generated_before": "2026-09-09T09:00:00+00:00",
                            "at": T0.isoformat()}  # fmt: skip
    return only(change_chat(run, expire, expired), "activity delete_expired_blobs")


def test_expiry_of_a_chat_without_a_record_does_nothing(start: Start) -> None:
    run = start("expire_chat_data", RETENTION)
    run.answer(only(run.run(), "entity chat.get"), chat_read(None))
    assert run.run() == []
    assert run.output == {"photos": 0, "faces": 0, "generations": 0, "generated_blobs": 0,
                          "archives": 0, "generation_rows": 0, "histories": 0,
                          "rechecked": 0}  # fmt: skip


def test_expiry_forgets_first_then_deletes_what_the_record_no_longer_lists(start: Start) -> None:
    run = start("expire_chat_data", RETENTION)
    expired = {"image_blobs": [f"{CHAT}/upload/a.jpg"], "generation_ids": ["g1", "g2"],
               "archives": True}  # fmt: skip
    blobs = expiring(run, expired)
    assert blobs.input == {"chat_id": CHAT, "blob_names": [f"{CHAT}/upload/a.jpg"],
                           "generation_ids": ["g1", "g2"],
                           "archives_before": "2026-12-08T08:00:00Z"}  # fmt: skip
    run.complete(blobs, {"photos": 1, "faces": 1, "generated": 4, "archives": 1})
    step(run, "activity delete_generation_rows", {"chat_id": CHAT, "generation_ids": ["g1", "g2"]},
         {"rows": 2})  # fmt: skip
    step(run, "activity purge_generation_histories", {"generation_ids": ["g1", "g2"]},
         {"instances": 2})  # fmt: skip
    assert run.run() == []
    assert run.output == {"photos": 1, "faces": 1, "generations": 2, "generated_blobs": 4,
                          "archives": 1, "generation_rows": 2, "histories": 2,
                          "rechecked": 0}  # fmt: skip


def test_expiry_keeps_the_archives_when_none_expired(start: Start) -> None:
    run = start("expire_chat_data", RETENTION)
    blobs = expiring(run, {"image_blobs": [], "generation_ids": [], "archives": False})
    assert blobs.input["archives_before"] is None
