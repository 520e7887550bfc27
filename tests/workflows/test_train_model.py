"""`train_model`'s paths: reserved and trained, refused at each step, adopted, waited, failed.

Replayed through the SDK (history in, actions out): each case asserts the exact activities,
entity operations and their JSON inputs in order, plus the output and custom status, which is the
contract in-flight instances replay against. The in-process host would need stand-ins for eight
activities and the chat entity to reach the same points and would show only the end.
"""

from __future__ import annotations

from typing import Any

from tests.workflows.replay import T0, Replay, Start, Work
from tests.workflows.steps import (
    CHAT,
    analysis,
    change_chat,
    chat_outcome,
    labels,
    notified,
    only,
    outwait,
    storage_gives_up,
)

MODEL = "owner/calendary-100200300-1"
ARCHIVE = {"blob_name": f"{CHAT}/archive/a.zip", "url": "https://blob/a.zip", "image_count": 2,
           "size_bytes": 10}  # fmt: skip
JOB = {
    "chat_id": CHAT,
    "owner": "owner",
    "model_description": "me",
    "trigger_word": "TOK",
    "steps": 1000,
    "min_images": 2,
    "timeout_seconds": 3600,
    "max_checks": 2,
}


def photo(n: int, **more: Any) -> dict[str, Any]:
    """Upload `n` as the chat record keeps it."""
    return {"blob_name": f"{CHAT}/upload/image_{n}.jpg", "size_bytes": 100, "sha256": f"h{n}",
            "uploaded_at": "2026-12-08T08:00:00Z"} | more  # fmt: skip


IMAGES = [photo(1), photo(2)]
# The training's record as the entity answers it: reserved, then started.
RESERVED = {"instance_id": "instance-1", "number": 1, "model_id": MODEL, "status": "reserved",
            "trigger_word": "TOK", "steps": 1000, "created_at": "2026-12-08T09:00:00Z"}  # fmt: skip
RECORD = RESERVED | {"training_id": "t1", "status": "starting"}


def reserve(run: Replay, result: str = "reserved", images: list[Any] = IMAGES) -> list[Work]:
    call = only(run.run(), "entity chat.reserve_training")
    assert call.key == CHAT
    assert call.input == {
        "request": {
            "instance_id": "instance-1",
            "owner": "owner",
            "trigger_word": "TOK",
            "steps": 1000,
            "description": "me",
            "requested_at": T0.isoformat(),
        },
        "min_images": 2,
    }
    slot = {"result": result, "image_count": len(images)}
    slot |= {"training": RESERVED} if result == "reserved" else {}
    run.answer(call, chat_outcome(slot, {"chat_id": CHAT, "images": images}))
    return run.run()


def up_to_start(run: Replay) -> Work:
    """Reserved, archived, model created: the start_training call."""
    archive = only(reserve(run), "activity build_archive")
    assert run.custom_status == {"stage": "archiving", "modelId": MODEL}
    run.complete(archive, ARCHIVE)
    model = only(run.run(), "activity create_model")
    assert model.input == {"model_id": MODEL, "description": "me"}
    run.complete(model, {"ok": True, "model_id": MODEL})
    start = only(run.run(), "activity start_training")
    assert start.input == {"chat_id": CHAT, "instance_id": "instance-1", "model_id": MODEL,
                           "archive_blob": ARCHIVE["blob_name"], "trigger_word": "TOK",
                           "steps": 1000}  # fmt: skip
    return start


def started(run: Replay, job: dict[str, Any]) -> list[Work]:
    """start_training answered `job`; the start is recorded and announced; what follows."""
    run.complete(up_to_start(run), job)
    recorded = change_chat(run, only(run.run(), "entity chat.record_training_started"), RECORD)
    run.complete(only(recorded, "activity record_training"), None)
    announce = run.run()
    assert notified(only(announce, "activity send_notification")) == (
        "training_started",
        {"training_id": "t1", "model_id": MODEL, "instance_id": "instance-1"},
    )
    run.complete(announce[0], None)
    return run.run()


def finish(run: Replay, works: list[Work], status: str, training: dict[str, Any]) -> Work:
    """The end is recorded (and, with a training id, its row); the notification it sends."""
    call = only(works, "entity chat.record_training_finished")
    assert call.input["status"] == status
    after = change_chat(run, call, training)
    if training.get("training_id"):
        row = only(after, "activity record_training")
        assert row.input == {"chat_id": CHAT, "training": training}
        run.complete(row, None)
        after = run.run()
    message = only(after, "activity send_notification")
    run.complete(message, None)
    assert run.run() == []
    return message


def test_a_rejected_reservation_ends_before_anything_runs(start: Start) -> None:
    run = start("train_model", JOB)
    assert reserve(run, result="not_enough_images") == []
    assert run.output["outcome"] == "rejected"
    assert run.output["reason"] == "not_enough_images"


def test_happy_path_trains_and_reports_the_version(start: Start) -> None:
    run = start("train_model", JOB)
    waiting = started(run, {"id": "t1", "status": "starting"})
    assert labels(waiting)[:2] == ["event ReplicateWebhook-t1", "timer timer"]
    assert len(waiting) == 11  # the job's event, the timer and nine progress marks
    assert run.custom_status == {"stage": "training", "trainingId": "t1", "modelId": MODEL,
                                 "status": "starting"}  # fmt: skip
    run.raise_event("ReplicateProgress-t1-40", {"percent": 42})
    assert run.run() == []
    assert run.custom_status["progress"] == 42 and run.custom_status["status"] == "processing"
    run.raise_event(
        "ReplicateWebhook-t1",
        {"id": "t1", "status": "succeeded", "version": "v9", "completed_at": "2026-12-08T10:00Z",
         "predict_time": 600.5, "hardware": "H100"},
    )  # fmt: skip
    works = run.run()
    assert works[0].input == {"instance_id": "instance-1", "status": "succeeded",
                              "completed_at": "2026-12-08T10:00Z", "version": "v9", "error": None,
                              "predict_time": 600.5, "hardware": "H100"}  # fmt: skip
    message = finish(run, works, "succeeded", RECORD | {"status": "succeeded"})
    assert notified(message) == ("training_complete", {"training_id": "t1", "instance_id":
                                 "instance-1", "model_id": MODEL, "version": "v9"})  # fmt: skip
    assert run.custom_status == {"stage": "finished", "trainingId": "t1", "modelId": MODEL,
                                 "status": "succeeded", "progress": 100}  # fmt: skip
    assert run.output == {"outcome": "succeeded", "reason": "", "training_id": "t1",
                          "model_id": MODEL, "status": "succeeded", "version": "v9"}  # fmt: skip


def test_only_passing_photos_go_into_the_archive(start: Start) -> None:
    rejected = analysis(faces=0, issues=("no_face",))
    images = [*IMAGES, photo(3, analysis=rejected)]
    for only_passing, expected in ((True, 2), (False, 3)):
        run = start("train_model", JOB | {"only_passing": only_passing})
        archive = only(reserve(run, images=images), "activity build_archive")
        assert len(archive.input["blob_names"]) == expected


def test_a_model_that_cannot_be_created_fails_the_training_without_starting_it(
    start: Start,
) -> None:
    run = start("train_model", JOB)
    run.complete(only(reserve(run), "activity build_archive"), ARCHIVE)
    model = only(run.run(), "activity create_model")
    run.complete(model, {"ok": False, "model_id": MODEL, "error": "name taken"})
    works = run.run()
    assert works[0].input["error"] == "name taken"
    # No training id was ever recorded, so no Trainings row is written.
    message = finish(run, works, "failed", RESERVED | {"status": "failed"})
    assert notified(message) == ("training_failed", {"training_id": None,
                                                     "instance_id": "instance-1"})  # fmt: skip
    assert run.output["outcome"] == "failed" and run.output["reason"] == "name taken"


def test_replicate_refusing_at_creation_fails_without_a_wait(start: Start) -> None:
    run = start("train_model", JOB)
    run.complete(up_to_start(run), {"status": "failed", "error": "invalid input: steps"})
    works = run.run()
    finish(run, works, "failed", RESERVED | {"status": "failed"})
    assert run.output["reason"] == "invalid input: steps"
    assert run.output["training_id"] == ""


def test_an_adopted_training_that_already_ended_is_finished_without_a_wait(start: Start) -> None:
    run = start("train_model", JOB)
    works = started(run, {"id": "t1", "status": "succeeded", "version": "v2"})
    message = finish(run, works, "succeeded", RECORD | {"status": "succeeded"})
    assert notified(message)[0] == "training_complete"
    assert run.output["version"] == "v2"


def test_a_training_that_never_ends_is_cancelled_and_recorded_failed(start: Start) -> None:
    run = start("train_model", JOB)
    waiting = started(run, {"id": "t1", "status": "starting"})
    cancel = outwait(run, waiting, "check_training", "t1", JOB["max_checks"])
    assert cancel.label == "activity cancel_training" and cancel.input == {"id": "t1"}
    run.complete(cancel, {"id": "t1", "status": "canceled"})
    works = run.run()
    # "timed_out" is no status the chat record knows: it is recorded as failed.
    message = finish(run, works, "failed", RECORD | {"status": "failed"})
    assert notified(message)[0] == "training_failed"
    assert run.output["reason"] == "no result from Replicate in time"


def test_a_canceled_training_is_recorded_canceled(start: Start) -> None:
    run = start("train_model", JOB)
    started(run, {"id": "t1", "status": "starting"})
    run.raise_event("ReplicateWebhook-t1", {"id": "t1", "status": "canceled"})
    finish(run, run.run(), "canceled", RECORD | {"status": "canceled"})
    assert run.output["outcome"] == "canceled"


def test_storage_failing_past_its_retries_fails_the_instance(start: Start) -> None:
    run = start("train_model", JOB)
    storage_gives_up(run, only(reserve(run), "activity build_archive"))
