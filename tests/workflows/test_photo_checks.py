"""The same-person check (`orchestrators/photo_checks.check_same_person`), as version 1.1 of
`upload_images` runs it after registering an album.

Replayed through the SDK (history in, actions out), like the rest of `upload_images`: the check
is a step inside that orchestration, so each case drives an album to the register_images answer,
then asserts what follows — compare_faces and record_face_distances with their exact JSON, or
neither — and how the record the check left decides the verdicts the user is told.
"""

from __future__ import annotations

from typing import Any

from tests.workflows.replay import Replay, Start, Work
from tests.workflows.steps import CHAT, analysis, change_chat, chat_read, only, upload_given_up

PENDING = f"{CHAT}/pending/instance-1.json"
BLOBS = [f"{CHAT}/upload/image_20261208_090000_instance_{n:03d}.jpg" for n in (1, 2)]
FILES = [b.rsplit("/", 1)[-1] for b in BLOBS]
JOB = {
    "chat_id": CHAT,
    "pending_blob": PENDING,
    "images": [{"source_id": f"f{n}", "display_url": f"https://t/f{n}"} for n in (1, 2)],
    "max_images_per_chat": 20,
}


def photo(index: int, a: dict[str, Any]) -> dict[str, Any]:
    """Upload `index` as the chat record keeps it."""
    return {"blob_name": BLOBS[index], "size_bytes": 100, "sha256": f"h{index}",
            "source_id": f"f{index + 1}", "uploaded_at": "2026-12-08T09:00:00+00:00",
            "analysis": a}  # fmt: skip


def registered(run: Replay, analyses: list[dict[str, Any]]) -> list[Work]:
    """Both photos fetched, analysed and accepted; what the code does after index.md."""
    run.answer(only(run.run(), "entity chat.get"), chat_read({"chat_id": CHAT, "images": []}))
    for index, fetch in enumerate(run.run()):
        run.complete(fetch, {"index": index, "ok": True, "blob_name": BLOBS[index],
                             "url": f"https://blob/{index}", "size_bytes": 100,
                             "sha256": f"h{index}", "source_id": f"f{index + 1}"})  # fmt: skip
    for blob, a, work in zip(BLOBS, analyses, run.run(), strict=True):
        assert work.label == "activity analyze_photo" and work.input["blob_name"] == blob
        run.complete(work, {"blob_name": blob, "analysis": a})
    register = only(run.run(), "entity chat.register_images")
    state = {"chat_id": CHAT, "images": [photo(i, a) for i, a in enumerate(analyses)]}
    accepted = {"accepted": state["images"], "skipped": [], "image_count": 2}
    return change_chat(run, register, accepted, state)


def delivered(run: Replay, works: list[Work]) -> dict[str, Any]:
    """The cleanup and the message answered; the message's details."""
    cleanup = only(works, "activity delete_blobs")
    assert cleanup.input == {"blob_names": [PENDING]}  # nothing refused: only the URL list goes
    run.complete(cleanup, None)
    message = only(run.run(), "activity send_notification")
    run.complete(message, None)
    assert run.run() == []
    return message.input["details"]


def test_two_comparable_photos_are_compared_and_the_distances_recorded(start: Start) -> None:
    run = start("upload_images", JOB, version="1.1")
    compare = only(registered(run, [analysis(), analysis()]), "activity compare_faces")
    assert compare.input == {"chat_id": CHAT, "blob_names": BLOBS}
    assert compare.max_attempts == 4  # policies.ANALYSIS
    distances = {BLOBS[0]: 0.3, BLOBS[1]: 0.9}
    run.complete(compare, {"blob_names": BLOBS, "distances": distances, "max_distance": 0.55})
    record = only(run.run(), "entity chat.record_face_distances")
    assert record.key == CHAT
    assert record.input == {"blob_names": BLOBS, "distances": distances, "max_distance": 0.55}
    # The entity's record, not the registered one, decides each photo's verdict.
    far = analysis(issues=("different_person",)) | {"distance": 0.9}
    recorded = {"chat_id": CHAT, "images": [photo(0, analysis() | {"distance": 0.3}),
                                            photo(1, far)]}  # fmt: skip
    details = delivered(run, change_chat(run, record, {"applied": True}, recorded))
    reason = "a different person? (distance 0.90 from the others)"
    assert details["passing"] == 1
    assert details["photos"] == [{"file_name": FILES[1], "verdict": "rejected",
                                  "reasons": [reason]}]  # fmt: skip
    assert [(u["verdict"], u["reasons"]) for u in run.output["uploaded"]] == [
        ("ok", []), ("rejected", [reason])]  # fmt: skip
    assert run.output["passing_count"] == 1


def test_fewer_than_two_comparable_photos_are_not_compared(start: Start) -> None:
    run = start("upload_images", JOB, version="1.1")
    # Two faces in the second photo: it takes no part, which leaves one photo to compare.
    works = registered(run, [analysis(), analysis(faces=2, issues=("several_faces",))])
    details = delivered(run, works)
    assert details["passing"] == 1
    reason = "2 people in the photo; only you should be in it"
    assert details["photos"] == [{"file_name": FILES[1], "verdict": "rejected",
                                  "reasons": [reason]}]  # fmt: skip


def test_a_comparison_without_distances_records_nothing(start: Start) -> None:
    run = start("upload_images", JOB, version="1.1")
    compare = only(registered(run, [analysis(), analysis()]), "activity compare_faces")
    # Below the set's minimum size the activity measures nothing: the record stays as it is.
    run.complete(compare, {"blob_names": BLOBS, "distances": {}, "max_distance": 0.55})
    details = delivered(run, run.run())
    assert details["passing"] == 2 and details["photos"] == []
    assert run.output["passing_count"] == 2


def test_a_comparison_failing_past_its_retries_cleans_up_and_tells_the_user(
    start: Start,
) -> None:
    run = start("upload_images", JOB, version="1.1")
    compare = only(registered(run, [analysis(), analysis()]), "activity compare_faces")
    run.fail(compare, times=3, reason="face model unavailable")
    assert run.run() == [] and not run.done  # still retrying
    run.fail(compare, reason="face model unavailable")
    # The photos stay registered (unchecked); the URL list goes and the user hears of it.
    upload_given_up(run, run.run(), [PENDING], "face model unavailable")


def test_an_analysis_failing_past_its_retries_deletes_the_unregistered_photos(
    start: Start,
) -> None:
    run = start("upload_images", JOB, version="1.1")
    run.answer(only(run.run(), "entity chat.get"), chat_read({"chat_id": CHAT, "images": []}))
    fetches = run.run()
    for n, fetch in enumerate(fetches):
        done = {"index": n, "ok": True, "blob_name": BLOBS[n], "url": "u", "size_bytes": 1,
                "sha256": f"h{n}", "source_id": f"f{n + 1}"}  # fmt: skip
        run.complete(fetch, done)
    first, second = run.run()
    run.complete(first, {"blob_name": BLOBS[0], "analysis": analysis()})
    run.exhaust(second)
    # Nothing was registered: both photos go with their face data, and the URL list.
    faces = [f"{CHAT}/faces/{f.removesuffix('.jpg')}.json" for f in FILES]
    upload_given_up(run, run.run(), [*BLOBS, PENDING, *faces], "boom")
