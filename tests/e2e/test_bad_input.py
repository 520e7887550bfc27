# ruff: noqa: E501  (one bad request per line reads best as a table)
"""Bad input: a clear JSON error with the right status, and nothing stored is touched."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.stack import BOT_TOKEN, Stack


def _snapshot(stack: Stack, chat_id: str) -> tuple[Any, ...]:
    blobs = sorted((b.name, b.etag) for b in stack.container.list_blobs())
    return (
        blobs,
        [r.model_dump() for r in stack.trainings(chat_id)],
        [r.model_dump() for r in stack.generations(chat_id)],
        stack.messages(),
        stack.status(chat_id),
    )


@pytest.fixture
def trained_chat(stack: Stack, chat_id: str) -> str:
    stack.upload(chat_id, [31, 32, 33, 34, 35])
    started = stack.train(chat_id)
    stack.wait_training(chat_id, instance_id=started["instanceId"])
    return started["trainingId"]


BAD_REQUESTS: list[tuple[str, Any, int, str]] = [
    ("UploadImages", {"userId": "../x", "imageUrls": ["https://api.telegram.org/f.jpg"]}, 400, "userId"),
    ("UploadImages", {"userId": "1 OR 1=1", "imageUrls": ["https://api.telegram.org/f.jpg"]}, 400, "userId"),
    ("UploadImages", {"userId": "{chat}", "imageUrls": []}, 400, "at least one image"),
    ("UploadImages", {"userId": "{chat}", "imageUrls": ["http://api.telegram.org/a.jpg"]}, 400, "https"),
    ("UploadImages", {"userId": "{chat}", "imageUrls": ["https://evil.example/a.jpg"]}, 400, "not allowed"),
    ("UploadImages", {"userId": "{chat}", "imageUrls": ["https://u:p@api.telegram.org/a.jpg"]}, 400, "credentials"),
    ("UploadImages", {"userId": "{chat}", "imageUrls": ["https://api.telegram.org/a.jpg"] * 21}, 400, "at most 20"),
    ("UploadImages", "not an object", 400, "JSON object"),
    ("CreateAndTrainModel", {"userId": "{empty}"}, 400, "at least 5"),
    ("CreateAndTrainModel", {"userId": "{chat}", "steps": 0}, 400, "steps"),
    ("CreateAndTrainModel", {"userId": "{chat}", "steps": 6001}, 400, "steps"),
    ("CreateAndTrainModel", {"userId": "{chat}", "triggerWord": "a b"}, 400, "triggerWord"),
    ("GenerateImage", {"userId": "{chat}", "trainingId": "{training}", "prompt": ""}, 400, "prompt"),
    ("GenerateImage", {"userId": "{chat}", "trainingId": "{training}", "prompt": "x" * 2001}, 400, "prompt"),
    ("GenerateImage", {"userId": "{chat}", "trainingId": "{training}", "prompt": "p", "aspectRatio": "7:1"}, 400, "aspectRatio"),
    ("GenerateImage", {"userId": "{chat}", "trainingId": "{training}", "prompt": "p", "numInferenceSteps": 51}, 400, "numInferenceSteps"),
    ("GenerateImage", {"userId": "{chat}", "trainingId": "nosuchtraining", "prompt": "p"}, 404, "no such training"),
    ("GenerateImage", {"userId": "{chat}", "trainingId": "../../x", "prompt": "p"}, 400, "trainingId"),
]  # fmt: skip


def _fill(value: Any, chat_id: str, training_id: str) -> Any:
    if isinstance(value, str):
        filled = value.replace("{chat}", chat_id).replace("{training}", training_id)
        return filled.replace("{empty}", chat_id + "0")  # a chat with no photos
    if isinstance(value, list):
        return [_fill(v, chat_id, training_id) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, chat_id, training_id) for k, v in value.items()}
    return value


def test_each_bad_request_gets_its_status_and_changes_nothing(
    stack: Stack, chat_id: str, trained_chat: str
) -> None:
    before = _snapshot(stack, chat_id)
    for route, body, status, fragment in BAD_REQUESTS:
        response = stack.post(route, _fill(body, chat_id, trained_chat))
        assert response.status_code == status, (route, body, response.text)
        answer = response.json()
        assert answer["success"] is False and answer["data"] is None, answer
        assert fragment in answer["error"], (route, answer["error"])
    broken = stack.http.post(
        f"{stack.host.base_url}/api/UploadImages",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert broken.status_code == 400 and broken.json()["error"] == "request body is not valid JSON"
    assert stack.get("chats/..%2Fx/status").status_code in (400, 404)
    assert stack.get("chats/abc/status").status_code == 400
    assert _snapshot(stack, chat_id) == before


def test_a_token_in_a_refused_url_is_never_echoed(stack: Stack, chat_id: str) -> None:
    url = f"https://evil.example/file/bot{BOT_TOKEN}/photos/a.jpg"
    response = stack.post("UploadImages", {"userId": chat_id, "imageUrls": [url]})
    assert response.status_code == 400
    assert BOT_TOKEN not in response.text and "evil.example" not in response.text


def test_photos_that_are_not_images_are_skipped_not_stored(stack: Stack, chat_id: str) -> None:
    stack.site.files["/file/notes.txt"] = b"just some text, not a photo"
    stack.site.files["/file/tiny.jpg"] = stack.site.files.get("/file/tiny.jpg") or _tiny_jpeg()
    response = stack.post(
        "UploadImages",
        {
            "userId": chat_id,
            "imageUrls": [stack.site.url("/file/notes.txt"), stack.site.url("/file/tiny.jpg")],
        },
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["imageCount"] == 0 and data["uploadedImages"] == []
    assert [s["index"] for s in data["skipped"]] == [0, 1]
    assert stack.blob_names(f"{chat_id}/upload/") == []


def _tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, format="JPEG")
    return out.getvalue()
