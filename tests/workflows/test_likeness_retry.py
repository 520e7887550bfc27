"""Version 1.2 of `generate_image`: a low likeness retried once with a new seed, the closer kept.

Replayed through the SDK (history in, actions out). The retry runs only for a 1.2 instance whose
input carries a threshold and whose first image's face is farther than it; the seed comes from
`new_uuid()`, so the same history asks for the same one.
"""

from __future__ import annotations

from typing import Any

from calendary.domain.likeness_retry import SEED_RANGE
from tests.workflows.replay import Replay, Start, Work
from tests.workflows.steps import CHAT, analysis, chat_read, notified, only
from tests.workflows.test_generate_image import DONE, JOB, STORED, completed, predicted, stored

RETRYING = JOB | {"likeness_retry_above": 0.6}
PHOTO = {"blob_name": f"{CHAT}/upload/a.jpg", "size_bytes": 1, "sha256": "x",
         "uploaded_at": "2026-12-01T00:00:00Z", "analysis": analysis()}  # fmt: skip
SECOND = {"ok": True, "blob_name": f"{CHAT}/generated/g1.2.png",
          "image_url": "https://blob/g1.2.png"}  # fmt: skip


def scored(run: Replay, distance: float) -> list[Work]:
    """The first image made, stored and scored at `distance`; what the workflow does next."""
    read = only(stored(run, predicted(run, DONE)), "entity chat.get")
    run.answer(read, chat_read({"chat_id": CHAT, "images": [PHOTO]}))
    score = only(run.run(), "activity score_likeness")
    run.complete(score, {"distance": distance, "below_threshold": distance > 0.6})
    return run.run()


def retried(run: Replay, answer: dict[str, Any]) -> tuple[Work, list[Work]]:
    """The retry's prediction, answered; the prediction and what follows it."""
    again = only(scored(run, 0.8), "activity create_prediction")
    assert run.custom_status == {"stage": "retrying", "generationId": "g1"}
    seed = again.input["seed"]
    assert isinstance(seed, int) and 0 <= seed < SEED_RANGE and seed != JOB["seed"]
    assert (again.input["attempt"], again.input["generation_id"]) == (2, "g1")
    run.complete(again, answer)
    return again, run.run()


def second_scored(run: Replay, distance: float) -> tuple[int, list[Work]]:
    """A second image made, stored and scored at `distance`; its seed and what follows."""
    again, works = retried(run, DONE | {"id": "p2", "output_seed": None, "predict_time": 4.0})
    copy = only(works, "activity store_generated_image")
    assert copy.input["attempt"] == 2
    run.complete(copy, SECOND)
    score = only(run.run(), "activity score_likeness")
    # Scored against the same training photos as the first image.
    assert score.input == {"chat_id": CHAT, "image_blob": SECOND["blob_name"],
                           "reference_blobs": [PHOTO["blob_name"]]}  # fmt: skip
    run.complete(score, {"distance": distance, "below_threshold": distance > 0.6})
    return again.input["seed"], run.run()


def test_a_closer_second_image_is_kept_and_both_attempts_recorded(start: Start) -> None:
    run = start("generate_image", RETRYING, version="1.2")
    seed, works = second_scored(run, 0.4)
    sent, message = completed(run, works)
    assert (sent["replicate_id"], sent["likeness_distance"]) == ("p2", 0.4)
    assert sent["image_url"] == SECOND["image_url"]
    assert sent["predict_time"] == 7.5  # both predictions are billed
    assert sent["attempts"] == [
        {"seed": 7, "replicate_id": "p1", "likeness_distance": 0.8, "kept": False},
        {"seed": seed, "replicate_id": "p2", "likeness_distance": 0.4, "kept": True},
    ]
    event, details = notified(message)
    assert event == "generation_complete"
    assert (details["likeness"], details["likeness_first"]) == (0.4, 0.8)
    assert message.input["image_blob"] == SECOND["blob_name"]
    assert run.output["image_url"] == SECOND["image_url"]


def test_a_farther_second_image_keeps_the_first(start: Start) -> None:
    run = start("generate_image", RETRYING, version="1.2")
    _, works = second_scored(run, 0.9)
    sent, message = completed(run, works)
    assert (sent["replicate_id"], sent["likeness_distance"]) == ("p1", 0.8)
    assert [a["kept"] for a in sent["attempts"]] == [True, False]
    assert message.input["image_blob"] == STORED["blob_name"]
    assert run.output["image_url"] == STORED["image_url"]


def test_a_failing_second_attempt_keeps_the_first_image(start: Start) -> None:
    run = start("generate_image", RETRYING, version="1.2")
    _, works = retried(run, {"status": "failed", "error": "NSFW content detected"})
    sent, message = completed(run, works)  # nothing stored, nothing scored for the second
    assert sent["status"] == "succeeded" and sent["replicate_id"] == "p1"
    second = sent["attempts"][1]
    assert (second["replicate_id"], second["likeness_distance"], second["kept"]) == (
        None, None, False)  # fmt: skip
    assert notified(message)[0] == "generation_complete"
    assert run.output["outcome"] == "succeeded"


def test_a_likeness_within_the_threshold_is_not_retried(start: Start) -> None:
    run = start("generate_image", RETRYING, version="1.2")
    sent, _ = completed(run, scored(run, 0.5))
    assert sent["likeness_distance"] == 0.5 and "attempts" not in sent


def test_no_retry_when_the_setting_is_off(start: Start) -> None:
    run = start("generate_image", JOB, version="1.2")  # no likeness_retry_above
    sent, _ = completed(run, scored(run, 0.9))
    assert sent["likeness_distance"] == 0.9 and "attempts" not in sent


def test_a_1_1_instance_never_retries_even_with_a_threshold(start: Start) -> None:
    run = start("generate_image", RETRYING, version="1.1")
    sent, _ = completed(run, scored(run, 0.9))
    assert "attempts" not in sent
