"""Uploads: albums arrive as concurrent calls; repeats of a photo are stored once."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.stack import Stack


@pytest.mark.parametrize("attempt", range(5))
def test_album_of_ten_concurrent_calls_is_stored_exactly_once(
    stack: Stack, chat_id: str, attempt: int
) -> None:
    photos = [100 * (attempt + 1) + n for n in range(10)]
    urls = [stack.photo_url(n) for n in photos]

    def send(url: str) -> dict:
        response = stack.post("UploadImages", {"userId": chat_id, "imageUrls": [url]})
        assert response.status_code == 200, response.text
        return response.json()["data"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(send, urls))

    assert all(len(a["uploadedImages"]) == 1 and a["skipped"] == [] for a in answers)
    # Each answer counts the chat's images after its own registration: 1..10, each once.
    assert sorted(a["imageCount"] for a in answers) == list(range(1, 11))
    assert len(stack.blob_names(f"{chat_id}/upload/")) == 10
    assert stack.status(chat_id)["imageCount"] == 10
    index = stack.read_blob(f"{chat_id}/index.md").decode()
    assert re.search(r"^- Count: 10$", index, re.M)
    assert len(stack.messages(chat_id)) == 10


def test_the_same_photo_twice_is_stored_once(stack: Stack, chat_id: str) -> None:
    first = stack.upload(chat_id, [7])
    assert first["imageCount"] == 1
    # The same bytes under another URL, and the same URL again in one request.
    stack.site.files["/elsewhere/copy.jpg"] = stack.site.files[
        next(p for p in stack.site.files if p.endswith("file_7.jpg"))
    ]
    again = stack.post(
        "UploadImages",
        {
            "userId": chat_id,
            "imageUrls": [stack.site.url("/elsewhere/copy.jpg"), stack.photo_url(8)],
        },
    )
    assert again.status_code == 200, again.text
    data = again.json()["data"]
    assert data["imageCount"] == 2
    assert [s["index"] for s in data["skipped"]] == [0]
    assert data["skipped"][0]["reason"] == "duplicate_content"
    assert len(stack.blob_names(f"{chat_id}/upload/")) == 2


def test_a_repeated_telegram_file_id_is_not_downloaded_again(stack: Stack, chat_id: str) -> None:
    body = {"userId": chat_id, "images": [{"url": stack.photo_url(9), "sourceId": "AQADuniq"}]}
    assert stack.post("UploadImages", body).json()["data"]["imageCount"] == 1
    requests_before = len(stack.site.received)
    again = stack.post("UploadImages", body).json()["data"]
    assert again["imageCount"] == 1
    assert again["skipped"] == [{"index": 0, "reason": "duplicate_source"}]
    assert again["uploadedImages"] == []
    assert len(stack.site.received) == requests_before
    assert len(stack.blob_names(f"{chat_id}/upload/")) == 1


def test_a_dead_link_is_skipped_and_the_rest_is_stored(stack: Stack, chat_id: str) -> None:
    response = stack.post(
        "UploadImages",
        {"userId": chat_id, "imageUrls": [stack.photo_url(11), stack.site.url("/gone.jpg")]},
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["imageCount"] == 1
    assert data["skipped"] == [{"index": 1, "reason": "http_status"}]
