"""`upload_images` and its `fetch_one_image`: fan-out, duplicates, failed downloads, photo checks,
storage giving up.

Replayed through the SDK (history in, actions out): the sub-orchestrations are answered with
their results directly, so each case shows the fan-out's exact inputs and what the parent does
with each answer, with neither a host nor storage.
"""

from __future__ import annotations

from typing import Any

from tests.workflows.replay import Replay, Start, Work
from tests.workflows.steps import (
    CHAT,
    analysis,
    chat_outcome,
    chat_read,
    labels,
    notified,
    only,
    upload_given_up,
)

PENDING = f"{CHAT}/pending/instance-1.json"
JOB = {
    "chat_id": CHAT,
    "pending_blob": PENDING,
    "images": [
        {"source_id": "f1", "display_url": "https://t/f1"},
        {"source_id": "known", "display_url": "https://t/known"},
        {"source_id": "f3", "display_url": "https://t/f3"},
    ],
    "max_images_per_chat": 20,
}
BLOB = f"{CHAT}/upload/image_20261208_090000_instance_{{:03d}}.jpg"
# A photo the chat already has, sent from Telegram as file "known".
KNOWN = {"blob_name": f"{CHAT}/upload/image_20261201_090000_earlier_001.jpg", "size_bytes": 90,
         "sha256": "h0", "source_id": "known", "uploaded_at": "2026-12-01T09:00:00Z"}  # fmt: skip


def fetched(index: int) -> dict[str, Any]:
    return {"index": index, "ok": True, "blob_name": BLOB.format(index + 1),
            "url": f"https://blob/{index}", "size_bytes": 100, "sha256": f"h{index}",
            "source_id": f"f{index + 1}"}  # fmt: skip


def test_version_1_0_fetches_new_photos_and_registers_what_came(start: Start) -> None:
    run = start("upload_images", JOB, version="1.0")
    read = only(run.run(), "entity chat.get")
    run.answer(read, chat_read({"chat_id": CHAT, "images": [KNOWN]}))
    fetches = run.run()
    # The photo already in the chat is not fetched again; the others in parallel.
    assert labels(fetches) == ["sub fetch_one_image", "sub fetch_one_image"]
    assert fetches[0].input == {"chat_id": CHAT, "index": 0, "pending_blob": PENDING,
                                "display_url": "https://t/f1", "source_id": "f1",
                                "blob_name": BLOB.format(1)}  # fmt: skip
    assert fetches[1].input["index"] == 2 and fetches[1].input["blob_name"] == BLOB.format(3)
    run.complete(fetches[0], fetched(0))
    run.complete(fetches[1], {"index": 2, "ok": False, "reason": "download_failed"})
    register = only(run.run(), "entity chat.register_images")
    assert [c["blob_name"] for c in register.input["candidates"]] == [BLOB.format(1)]
    assert register.input["candidates"][0]["analysis"] is None
    run.answer(register, chat_outcome({"accepted": [], "skipped": [], "image_count": 3}))
    run.complete(only(run.run(), "activity write_index"), None)
    cleanup = only(run.run(), "activity delete_blobs")
    assert cleanup.input == {"blob_names": [PENDING]}  # the URL list goes, whatever came
    run.complete(cleanup, None)
    message = only(run.run(), "activity send_notification")
    assert notified(message) == ("upload_complete", {"instance_id": "instance-1", "accepted": 1,
                                                     "skipped": 2, "total": 3})  # fmt: skip
    run.complete(message, None)
    assert run.run() == []
    assert run.output == {
        "image_count": 3,
        "passing_count": None,
        "uploaded": [{"file_name": BLOB.format(1).rsplit("/", 1)[-1], "size_bytes": 100,
                      "url": "https://blob/0", "verdict": None, "reasons": []}],
        "skipped": [{"index": 1, "reason": "duplicate_source"},
                    {"index": 2, "reason": "download_failed"}],
    }  # fmt: skip


def test_version_1_1_analyses_and_deletes_refused_photos_with_their_faces(start: Start) -> None:
    run = start("upload_images", JOB | {"images": JOB["images"][:1]}, version="1.1")
    run.answer(only(run.run(), "entity chat.get"), chat_read({"chat_id": CHAT, "images": []}))
    run.complete(only(run.run(), "sub fetch_one_image"), fetched(0))
    analyse = only(run.run(), "activity analyze_photo")
    assert analyse.input == {"chat_id": CHAT, "blob_name": BLOB.format(1)}
    faceless = analysis(issues=("no_face",))
    run.complete(analyse, {"blob_name": BLOB.format(1), "analysis": faceless})
    register = only(run.run(), "entity chat.register_images")
    assert register.input["candidates"][0]["analysis"] == faceless
    refused = {"accepted": [],
               "skipped": [{"blob_name": BLOB.format(1), "index": 0, "reason": "chat_limit"}],
               "image_count": 0}  # fmt: skip
    run.answer(register, chat_outcome(refused))
    run.complete(only(run.run(), "activity write_index"), None)
    # Fewer than two comparable photos: no same-person check.
    cleanup = only(run.run(), "activity delete_blobs")
    face = f"{CHAT}/faces/{BLOB.format(1).rsplit('/', 1)[-1].removesuffix('.jpg')}.json"
    assert cleanup.input == {"blob_names": [BLOB.format(1), PENDING, face]}
    run.complete(cleanup, None)
    assert run.run() == []  # nothing accepted: no message
    assert run.output["passing_count"] == 0
    assert run.output["skipped"] == [{"index": 0, "reason": "chat_limit"}]


def test_an_album_with_only_known_photos_fetches_nothing(start: Start) -> None:
    run = start("upload_images", JOB | {"images": JOB["images"][1:2]}, version="1.0")
    run.answer(only(run.run(), "entity chat.get"),
               chat_read({"chat_id": CHAT, "images": [KNOWN]}))  # fmt: skip
    register = only(run.run(), "entity chat.register_images")
    assert register.input["candidates"] == []


def test_a_download_failing_past_its_retries_is_skipped_not_fatal(start: Start) -> None:
    request = {"chat_id": CHAT, "index": 4, "pending_blob": PENDING, "display_url": "https://t/x",
               "blob_name": BLOB.format(5)}  # fmt: skip
    run = start("fetch_one_image", request, instance_id="instance-1-4")
    download = only(run.run(), "activity fetch_image")
    assert download.max_attempts == 3  # policies.DOWNLOAD
    run.fail(download, times=2)
    assert run.run() == [] and not run.done  # still retrying
    run.fail(download)
    assert run.run() == []
    assert run.output == {"index": 4, "ok": False, "blob_name": "", "url": "", "size_bytes": 0,
                          "sha256": "", "source_id": None, "reason": "download_failed"}  # fmt: skip


def registered_one(run: Replay) -> list[Work]:
    """Version 1.0, one new photo fetched and accepted; the index.md write it asks for."""
    run.answer(only(run.run(), "entity chat.get"), chat_read({"chat_id": CHAT, "images": []}))
    run.complete(only(run.run(), "sub fetch_one_image"), fetched(0))
    register = only(run.run(), "entity chat.register_images")
    run.answer(register, chat_outcome({"accepted": [], "skipped": [], "image_count": 1}))
    return run.run()


def test_an_index_write_failing_past_its_retries_cleans_up_and_tells_the_user(
    start: Start,
) -> None:
    run = start("upload_images", JOB | {"images": JOB["images"][:1]}, version="1.0")
    page = only(registered_one(run), "activity write_index")
    run.exhaust(page)
    # The photo stays registered (the next change renders index.md); the URL list goes.
    upload_given_up(run, run.run(), [PENDING], "boom")


def test_a_cleanup_failing_past_its_retries_is_tried_again_and_the_user_told(
    start: Start,
) -> None:
    run = start("upload_images", JOB | {"images": JOB["images"][:1]}, version="1.0")
    run.complete(only(registered_one(run), "activity write_index"), None)
    cleanup = only(run.run(), "activity delete_blobs")
    assert cleanup.input == {"blob_names": [PENDING]}
    run.exhaust(cleanup)
    upload_given_up(run, run.run(), [PENDING], "boom")


def test_a_cleanup_that_keeps_failing_still_tells_the_user(start: Start) -> None:
    run = start("upload_images", JOB | {"images": JOB["images"][:1]}, version="1.0")
    run.complete(only(registered_one(run), "activity write_index"), None)
    run.exhaust(only(run.run(), "activity delete_blobs"))
    again = only(run.run(), "activity delete_blobs")
    run.exhaust(again)
    message = only(run.run(), "activity send_notification")
    assert notified(message) == ("upload_failed", {"instance_id": "instance-1"})
    run.complete(message, None)
    assert run.run() == [] and not run.done and "boom" in (run.error or "")
