"""Retention through the local host: the timer function, run now, on Azurite, after the host
clock has passed the limits (30 days for photos and archives, 90 for generated images)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from calendary.domain.erasure import retention_instance_id
from tests.e2e.stack import Stack

PROMPT = "a photo of TOK person in the old town"


def run_retention(stack: Stack, chat_id: str) -> dict[str, Any]:
    """`POST /admin/functions/apply_retention`, then the chat's retention workflow's result."""
    url = f"{stack.host.base_url}/runtime/webhooks/durabletask/instances/"
    url += retention_instance_id(chat_id)
    stack.http.delete(url)  # the last run's history: the next one is told apart by existing
    ran = stack.http.post(f"{stack.host.base_url}/admin/functions/apply_retention")
    assert ran.status_code == 202
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = stack.http.get(url)
        if status.status_code == 200:
            body = status.json()
            if body["runtimeStatus"] == "Completed":
                return body["output"]
            assert body["runtimeStatus"] in ("Pending", "Running"), body
        time.sleep(0.1)
    raise AssertionError("the retention workflow did not finish")


def test_retention_removes_only_what_is_older_than_the_limits(stack: Stack, chat_id: str) -> None:
    stack.upload(chat_id, [1, 2, 3, 4, 5])
    started = stack.train(chat_id, triggerWord="TOK")
    assert stack.wait_training(chat_id, instance_id=started["instanceId"])["status"] == "succeeded"
    generated = stack.post(
        "GenerateImage", {"userId": chat_id, "trainingId": started["trainingId"], "prompt": PROMPT}
    )
    assert generated.status_code == 200, generated.text
    generation_id = generated.json()["data"]["generationId"]
    assert len(stack.blob_names(f"{chat_id}/archive_")) == 1

    # 31 days on, one more photo: the five older ones and the archive pass the 30-day limit.
    stack.host.advance(timedelta(days=31))
    fresh = stack.upload(chat_id, [6])["uploadedImages"][0]["fileName"]
    first = run_retention(stack, chat_id)

    assert (first["photos"], first["archives"], first["generations"]) == (5, 1, 0)
    assert [n.rsplit("/", 1)[1] for n in stack.blob_names(f"{chat_id}/upload/")] == [fresh]
    assert stack.blob_names(f"{chat_id}/archive_") == []
    assert len(stack.blob_names(f"{chat_id}/generated/")) == 2
    index = stack.read_blob(f"{chat_id}/index.md").decode()
    assert "- Count: 1" in index and "- Photos Removed: 5" in index
    assert "archive_" not in index and PROMPT in index
    assert stack.status(chat_id)["imageCount"] == 1

    # 91 days after the generation: the image, its prompt (blob, row, record, workflow history)
    # go, and the sixth photo, now 60 days old, too.
    stack.host.advance(timedelta(days=60))
    second = run_retention(stack, chat_id)

    assert (second["photos"], second["generations"], second["generated_blobs"]) == (1, 1, 2)
    assert (second["generation_rows"], second["histories"]) == (1, 1)
    assert stack.blob_names(f"{chat_id}/upload/") == []
    assert stack.blob_names(f"{chat_id}/generated/") == []
    assert stack.generations(chat_id) == []
    index = stack.read_blob(f"{chat_id}/index.md").decode()
    assert PROMPT not in index and "- Generations Removed: 1" in index
    history = f"{stack.host.base_url}/runtime/webhooks/durabletask/instances/{generation_id}"
    assert stack.http.get(history).status_code == 404
    assert stack.trainings(chat_id)  # the training's record stays: it holds no photo

    # Idempotent: nothing more is older than the limits.
    third = run_retention(stack, chat_id)
    assert third == {k: 0 for k in third}
