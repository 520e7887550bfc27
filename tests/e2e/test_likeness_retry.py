"""A low likeness retried once (version 1.2) end to end: trained on Obama's photos, the fake
Replicate outputs Biden's face for the user's seed and Obama's for others, so `score_likeness`
measures real faces in real outputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from calendary.domain import paths
from tests.e2e.stack import Stack
from tests.faces import photos

TRAINING_SET = ("obama.jpg", "obama2.jpg", "obama3.jpg")
SEED = 7


@pytest.fixture
def obama(stack: Stack, chat_id: str) -> Iterator[tuple[Stack, str]]:
    """A chat trained on three photos of one face; the retry's setting is off until a test says."""
    s = stack
    s.change_settings(min_training_images=len(TRAINING_SET))
    s.upload_faces(chat_id, TRAINING_SET)
    started = s.train(chat_id)
    s.wait_training(chat_id, instance_id=started["instanceId"])
    yield s, started["trainingId"]


def retry(s: Stack, on: bool) -> None:
    s.change_settings(likeness_retry=on)


def outputs(s: Stack, first: str, others: str) -> None:
    """The user's seed gets `first`, every other seed `others` (the newer rule wins)."""
    s.fake.fake.set_output_image(photos.jpeg(photos.real(others)))
    s.fake.fake.set_output_image(photos.jpeg(photos.real(first)), seed=SEED)


def generate(s: Stack, chat_id: str, training_id: str) -> dict[str, Any]:
    body = {"userId": chat_id, "trainingId": training_id, "prompt": "TOK at sea", "seed": SEED}
    response = s.post("GenerateImage", body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def predicted_seeds(s: Stack) -> list[int]:
    ran = sorted(s.fake.fake.predictions(), key=lambda p: p["created_at"])
    return [p["input"]["seed"] for p in ran]


def completion(s: Stack, chat_id: str) -> dict[str, Any]:
    (message,) = [m for m in s.messages(chat_id) if m["messageType"] == "generation_complete"]
    return message


def test_a_different_person_is_retried_once_and_the_closer_face_kept(
    obama: tuple[Stack, str], chat_id: str
) -> None:
    s, training_id = obama
    retry(s, True)
    outputs(s, first="biden.jpg", others="obama2.jpg")

    data = generate(s, chat_id, training_id)

    seeds = predicted_seeds(s)
    assert len(seeds) == 2 and seeds[0] == SEED and seeds[1] != SEED
    gid = data["generationId"]
    assert data["imageUrl"].endswith(f"/generated/{gid}.2.jpg")  # the retry's image is kept
    names = s.blob_names(f"{chat_id}/generated/")
    assert f"{chat_id}/generated/{gid}.jpg" in names  # the first image stays, for the record
    assert f"{chat_id}/generated/{gid}.2.jpg" in names

    (row,) = s.generations(chat_id)
    first, second = (
        p["id"] for p in sorted(s.fake.fake.predictions(), key=lambda p: p["created_at"])
    )
    assert (row.replicate_id, row.retry_replicate_id) == (second, second)
    assert row.likeness_distance is not None and row.likeness_distance < 0.6
    assert row.output_seed == seeds[1]
    first_score, second_score = row.likeness_attempts.split("; ")
    assert first_score.endswith(f"(seed {SEED})") and float(first_score[:4]) > 0.6
    assert second_score.endswith(f"(seed {seeds[1]}, kept)")

    page = s.read_blob(paths.index_blob_name(chat_id)).decode()
    assert f"- Likeness Attempts: {row.likeness_attempts}\n" in page
    entity = f"{s.host.base_url}/runtime/webhooks/durabletask/entities/chat/{chat_id}"
    (record,) = s.http.get(entity).json()["chat"]["generations"]
    assert [(a["replicate_id"], a["seed"], a["kept"]) for a in record["attempts"]] == [
        (first, SEED, False),
        (second, seeds[1], True),
    ]

    meta = completion(s, chat_id)["metadata"]  # one notification, with the kept image's score
    assert meta["likeness"] == row.likeness_distance and meta["likenessLow"] == 0
    assert meta["likenessFirst"] > 0.6
    assert meta["seed"] == seeds[1]


def test_with_the_setting_off_nothing_is_retried(obama: tuple[Stack, str], chat_id: str) -> None:
    s, training_id = obama
    retry(s, False)
    outputs(s, first="biden.jpg", others="obama2.jpg")

    data = generate(s, chat_id, training_id)

    assert predicted_seeds(s) == [SEED]
    assert data["imageUrl"].endswith(f"/generated/{data['generationId']}.jpg")
    (row,) = s.generations(chat_id)
    assert row.likeness_distance is not None and row.likeness_distance > 0.6
    assert (row.likeness_attempts, row.retry_replicate_id) == (None, None)
    meta = completion(s, chat_id)["metadata"]
    assert meta["likenessLow"] == 1 and "likenessFirst" not in meta


def test_a_good_first_image_is_not_retried(obama: tuple[Stack, str], chat_id: str) -> None:
    s, training_id = obama
    retry(s, True)
    outputs(s, first="obama2.jpg", others="biden.jpg")

    generate(s, chat_id, training_id)

    assert predicted_seeds(s) == [SEED]
    (row,) = s.generations(chat_id)
    assert row.likeness_distance is not None and row.likeness_distance < 0.6
    assert row.likeness_attempts is None
    assert "Likeness Attempts" not in s.read_blob(paths.index_blob_name(chat_id)).decode()


def test_a_retry_no_closer_keeps_the_first_image(obama: tuple[Stack, str], chat_id: str) -> None:
    s, training_id = obama
    retry(s, True)
    outputs(s, first="biden.jpg", others="biden.jpg")  # the same face again: a tie

    data = generate(s, chat_id, training_id)

    assert len(predicted_seeds(s)) == 2
    assert data["imageUrl"].endswith(f"/generated/{data['generationId']}.jpg")
    (row,) = s.generations(chat_id)
    assert row.output_seed == SEED
    assert row.likeness_attempts.startswith(f"{row.likeness_distance:.2f} (seed {SEED}, kept); ")
    assert completion(s, chat_id)["metadata"]["likenessLow"] == 1
