"""Photo checks end to end: verdicts in the upload answer, index.md, the chat status and the
notification; a set that fails the gate gets a 400 naming the photos, and no training reaches
Replicate; `force` trains anyway."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from calendary.domain import paths
from tests.e2e.stack import Stack
from tests.e2e.test_retention import run_retention
from tests.faces import photos

SET = {
    1: photos.jpeg(photos.real("obama.jpg")),
    2: photos.jpeg(photos.real("obama2.jpg")),
    3: photos.jpeg(photos.real("obama3.jpg")),
    4: photos.jpeg(photos.real("biden.jpg")),
    5: photos.jpeg(photos.no_face()),
    6: photos.jpeg(photos.two_faces()),
    7: photos.jpeg(photos.blurred()),
}


@pytest.fixture
def gated(stack: Stack) -> Iterator[Stack]:
    with stack.reconfigure(photo_gate=True):
        for n, data in SET.items():
            stack.site.files[f"/file/botx/faces/{stack.settings.data_container}/{n}.jpg"] = data
        yield stack


def _upload(s: Stack, chat_id: str) -> dict:
    urls = [s.site.url(f"/file/botx/faces/{s.settings.data_container}/{n}.jpg") for n in SET]
    response = s.post("UploadImages", {"userId": chat_id, "imageUrls": urls})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_verdicts_and_the_gate(gated: Stack, chat_id: str) -> None:
    s = gated
    data = _upload(s, chat_id)
    verdicts = {u["fileName"][-7:-4]: u for u in data["uploadedImages"]}
    assert [verdicts[f"{n:03d}"]["verdict"] for n in SET] == [
        "ok",
        "ok",
        "ok",
        "rejected",  # a different person in Obama's set
        "rejected",  # no face
        "rejected",  # two people
        "warning",  # blurred
    ]
    assert "different person?" in verdicts["004"]["reasons"][0]
    assert verdicts["005"]["reasons"] == ["no face found"]
    assert "2 people" in verdicts["006"]["reasons"][0]
    assert verdicts["007"]["reasons"] == ["the face is blurred"]
    assert data["passingCount"] == 4

    page = s.read_blob(paths.index_blob_name(chat_id)).decode()
    assert "- Passing: 4 of 7" in page
    assert "no face found" in page and "the face is blurred" in page

    photos_status = s.status(chat_id)["photos"]
    assert (photos_status["ok"], photos_status["warning"], photos_status["rejected"]) == (3, 1, 3)

    (message,) = [m for m in s.messages(chat_id) if m["messageType"] == "upload_complete"]
    assert "no face found" in message["text"]
    assert message["metadata"]["passingCount"] == 4

    refused = s.post("CreateAndTrainModel", {"userId": chat_id})
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["success"] is False
    assert "only 4 of 7 photos pass" in body["error"]
    for n in (4, 5, 6):
        assert f"_{n:03d}.jpg" in body["error"]
    refusal = body["data"]
    assert (refusal["passing"], refusal["minimum"]) == (4, 5)
    replace = {p["fileName"][-7:]: p["reasons"] for p in refusal["replace"]}
    assert sorted(replace) == ["004.jpg", "005.jpg", "006.jpg"]
    assert all(replace.values())
    assert s.fake.fake.trainings() == []  # nothing was paid for

    forced = s.post("CreateAndTrainModel", {"userId": chat_id, "force": True})
    assert forced.status_code == 200, forced.text
    assert len(s.fake.fake.trainings()) == 1


def test_retention_deletes_the_face_embeddings_with_the_photos(gated: Stack, chat_id: str) -> None:
    s = gated
    _upload(s, chat_id)
    faces = s.blob_names(f"{chat_id}/faces/")
    assert faces  # the embeddings of the photos with one face

    s.host.advance(timedelta(days=31))
    result = run_retention(s, chat_id)

    assert (result["photos"], result["faces"]) == (len(SET), len(faces))
    assert s.blob_names(f"{chat_id}/upload/") == []
    assert s.blob_names(f"{chat_id}/faces/") == []
