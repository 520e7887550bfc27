"""`generate_image`'s paths: rejected, refused at creation, waited, stored, scored (1.1) or not,
storage giving up.

Replayed through the SDK (history in, actions out), for the same reasons as `train_model`'s
tests: the order and JSON of each step is the contract, and the version branch (`context.version`)
is set in ExecutionStarted without a host.
"""

from __future__ import annotations

from typing import Any

from tests.workflows.replay import T0, Replay, Start, Work
from tests.workflows.steps import (
    CHAT,
    analysis,
    change_chat,
    chat_read,
    notified,
    only,
    outwait,
    storage_gives_up,
)

JOB = {
    "chat_id": CHAT,
    "generation_id": "g1",
    "training_id": "t1",
    "prompt": "TOK on a horse",
    "seed": 7,
    "aspect_ratio": "1:1",
    "num_inference_steps": 28,
    "timeout_seconds": 600,
    "max_checks": 2,
}
ADDED = {"result": "ok", "version": "v9", "model_id": "owner/m"}
STORED = {"ok": True, "blob_name": f"{CHAT}/generated/g1.png", "image_url": "https://blob/g1.png"}
# The Generations record the entity answers complete_generation with (its fields as the entity
# sent them: the row's input repeats them, no more).
RECORD = {"generation_id": "g1", "training_id": "t1", "prompt": "TOK on a horse",
          "created_at": "2026-12-08T09:00:00Z"}  # fmt: skip
DONE = {"id": "p1", "status": "succeeded", "output_url": "https://replicate.delivery/o.png",
        "output_seed": 7, "predict_time": 3.5, "hardware": "H100"}  # fmt: skip


def create(run: Replay, added: dict[str, Any] = ADDED) -> list[Work]:
    call = only(run.run(), "entity chat.add_generation")
    assert call.input == {"generation_id": "g1", "training_id": "t1", "prompt": "TOK on a horse",
                          "seed": 7, "requested_at": T0.isoformat(),
                          "trigger_word_added": False}  # fmt: skip
    return change_chat(run, call, added)


def predicted(run: Replay, answer: dict[str, Any]) -> list[Work]:
    prediction = only(create(run), "activity create_prediction")
    assert prediction.input == {"chat_id": CHAT, "generation_id": "g1",
                                "instance_id": "instance-1", "version": "v9", "model": "owner/m",
                                "prompt": "TOK on a horse", "seed": 7, "aspect_ratio": "1:1",
                                "num_inference_steps": 28,
                                "requested_at": "2026-12-08T09:00:00Z"}  # fmt: skip
    assert run.custom_status == {"stage": "generating", "generationId": "g1"}
    run.complete(prediction, answer)
    return run.run()


def stored(run: Replay, works: list[Work]) -> list[Work]:
    copy = only(works, "activity store_generated_image")
    assert copy.input == {"chat_id": CHAT, "generation_id": "g1",
                          "output_url": DONE["output_url"], "prompt": "TOK on a horse"}  # fmt: skip
    run.complete(copy, STORED)
    return run.run()


def completed(run: Replay, works: list[Work]) -> tuple[dict[str, Any], Work]:
    """complete_generation's input; its row and notification answered; the notification."""
    call = only(works, "entity chat.complete_generation")
    record = RECORD | {"status": call.input["status"]}
    row = only(change_chat(run, call, record), "activity record_generation")
    assert row.input == {"chat_id": CHAT, "generation": record}
    run.complete(row, None)
    message = only(run.run(), "activity send_notification")
    run.complete(message, None)
    assert run.run() == []
    assert run.custom_status == {"stage": "finished", "generationId": "g1"}
    return call.input, message


def test_a_rejected_generation_ends_at_once(start: Start) -> None:
    run = start("generate_image", JOB)
    assert create(run, {"result": "training_not_succeeded"}) == []
    assert run.output == {"outcome": "rejected", "reason": "training_not_succeeded",
                          "generation_id": "g1", "status": "", "image_url": ""}  # fmt: skip


def test_version_1_1_scores_the_likeness_against_the_training_photos(start: Start) -> None:
    run = start("generate_image", JOB, version="1.1")
    waiting = predicted(run, {"id": "p1", "status": "starting"})
    assert [w.label for w in waiting] == ["event ReplicateWebhook-p1", "timer timer"]
    run.raise_event("ReplicateWebhook-p1", DONE)
    read = only(stored(run, run.run()), "entity chat.get")
    photo = {"blob_name": f"{CHAT}/upload/a.jpg", "size_bytes": 1, "sha256": "x",
             "uploaded_at": "2026-12-01T00:00:00Z", "analysis": analysis()}  # fmt: skip
    run.answer(read, chat_read({"chat_id": CHAT, "images": [photo]}))
    score = only(run.run(), "activity score_likeness")
    assert score.input == {"chat_id": CHAT, "image_blob": STORED["blob_name"],
                           "reference_blobs": [f"{CHAT}/upload/a.jpg"]}  # fmt: skip
    run.complete(score, {"distance": 0.7, "below_threshold": True})
    sent, message = completed(run, run.run())
    assert sent["status"] == "succeeded" and sent["likeness_distance"] == 0.7
    assert sent["replicate_id"] == "p1" and sent["predict_time"] == 3.5
    assert notified(message) == ("generation_complete", {"generation_id": "g1",
                                 "training_id": "t1", "image_url": "", "seed": 7,
                                 "likeness": 0.7, "likeness_low": True})  # fmt: skip
    assert message.input["image_blob"] == STORED["blob_name"]
    assert run.output == {"outcome": "succeeded", "reason": "", "generation_id": "g1",
                          "status": "succeeded", "image_url": STORED["image_url"]}  # fmt: skip


def test_version_1_0_sends_what_it_always_sent(start: Start) -> None:
    run = start("generate_image", JOB, version="1.0")
    # An answer already ended (a prediction found after a lost create answer): no wait.
    sent, message = completed(run, stored(run, predicted(run, DONE)))
    assert "likeness_distance" not in sent
    assert notified(message)[1] == {"generation_id": "g1", "training_id": "t1", "image_url": "",
                                    "seed": 7}  # fmt: skip


def test_replicate_refusing_at_creation_fails_without_a_wait(start: Start) -> None:
    run = start("generate_image", JOB)
    works = predicted(run, {"status": "failed", "error": "NSFW content detected"})
    sent, message = completed(run, works)
    assert sent["status"] == "failed" and sent["replicate_id"] is None
    assert notified(message) == ("generation_failed", {"generation_id": "g1",
                                                       "training_id": "t1"})  # fmt: skip
    assert run.output["outcome"] == "failed"
    assert run.output["reason"] == "NSFW content detected"


def test_a_prediction_that_never_ends_is_cancelled_and_reported_failed(start: Start) -> None:
    run = start("generate_image", JOB)
    waiting = predicted(run, {"id": "p1", "status": "processing"})
    cancel = outwait(run, waiting, "check_prediction", "p1", JOB["max_checks"])
    assert cancel.label == "activity cancel_prediction"
    run.complete(cancel, {"id": "p1", "status": "canceled"})
    sent, _ = completed(run, run.run())
    assert sent["status"] == "failed" and sent["replicate_id"] == "p1"
    assert run.output["reason"] == "no result from Replicate in time"


def test_an_image_that_cannot_be_kept_fails_the_generation_unscored(start: Start) -> None:
    run = start("generate_image", JOB, version="1.1")
    copy = only(predicted(run, DONE), "activity store_generated_image")
    run.complete(copy, {"ok": False, "error": "output expired"})
    sent, message = completed(run, run.run())  # no chat read, no likeness score
    assert sent["status"] == "failed" and sent["likeness_distance"] is None
    assert notified(message)[0] == "generation_failed"
    assert run.output["reason"] == "output expired"


def test_an_image_copy_failing_past_its_retries_fails_the_generation_and_says_so(
    start: Start,
) -> None:
    run = start("generate_image", JOB, version="1.1")
    copy = only(predicted(run, DONE), "activity store_generated_image")
    assert copy.max_attempts == 10  # policies.STORAGE
    run.exhaust(copy)
    # Not pending forever: recorded failed (no score: there is no image), and the user is told.
    sent, message = completed(run, run.run())
    assert sent["status"] == "failed" and sent["image_url"] is None
    assert sent["replicate_id"] == "p1" and sent["likeness_distance"] is None
    assert notified(message) == ("generation_failed", {"generation_id": "g1",
                                                       "training_id": "t1"})  # fmt: skip
    assert run.output["outcome"] == "failed"
    assert run.output["reason"] == "the image could not be stored"


def test_a_generation_row_failing_past_its_retries_fails_before_the_message(start: Start) -> None:
    run = start("generate_image", JOB, version="1.0")
    call = only(stored(run, predicted(run, DONE)), "entity chat.complete_generation")
    row = only(change_chat(run, call, RECORD), "activity record_generation")
    # The record already says succeeded; the user is not told.
    storage_gives_up(run, row)
