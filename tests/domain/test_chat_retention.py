"""The retention limits on the chat record: what expires, what stays, and twice is once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calendary.domain.chat_retention import ExpireRequest, expire, generated_blobs
from calendary.domain.chat_state import (
    ChatState,
    GenerationRecord,
    StoredPhoto,
    TrainingRecord,
)
from calendary.domain.index_md import render_index

NOW = datetime(2026, 3, 1, tzinfo=UTC)
OLD, NEW = NOW - timedelta(days=40), NOW - timedelta(days=2)


def image(name: str, at: datetime) -> StoredPhoto:
    return StoredPhoto(blob_name=f"1/upload/{name}.jpg", size_bytes=1, sha256=name, uploaded_at=at)


def training(status: str = "succeeded") -> TrainingRecord:
    return TrainingRecord(
        instance_id="t",
        number=1,
        model_id="o/telegram_flux_1_1_t",
        status=status,  # type: ignore[arg-type]
        trigger_word="TOK",
        steps=1,
        training_id="tr1",
        archive_url="https://a/data/1/archive_20260101_000000.zip",
        created_at=OLD,
    )


def generation(gid: str, at: datetime, status: str = "succeeded") -> GenerationRecord:
    return GenerationRecord(
        generation_id=gid, training_id="tr1", prompt=f"prompt {gid}", status=status,  # type: ignore[arg-type]
        created_at=at, completed_at=at,
    )  # fmt: skip


def state(**kw: object) -> ChatState:
    base: dict[str, object] = {
        "chat_id": "1",
        "images": (image("old", OLD), image("new", NEW)),
        "trainings": (training(),),
        "generations": (generation("g-old", OLD - timedelta(days=60)), generation("g-new", OLD)),
    }
    return ChatState.model_validate({**base, **kw})


REQUEST = ExpireRequest(
    uploads_before=NOW - timedelta(days=30), generated_before=NOW - timedelta(days=90), at=NOW
)


def test_only_what_is_older_than_the_limits_expires_and_the_record_says_so() -> None:
    after, expired = expire(state(), REQUEST)
    assert expired.image_blobs == ("1/upload/old.jpg",)
    assert expired.generation_ids == ("g-old",)
    assert expired.archives is True
    assert [i.sha256 for i in after.images] == ["new"]
    assert [g.generation_id for g in after.generations] == ["g-new"]
    assert after.trainings[0].archive_url is None  # the archive goes: no dead link stays
    assert after.retention is not None
    assert (after.retention.images, after.retention.generations) == (1, 1)
    page = render_index(after)
    assert "prompt g-old" not in page and "prompt g-new" in page
    assert "- Count: 1" in page and "- Photos Removed: 1" in page
    assert "archive_" not in page


def test_applying_twice_is_applying_once() -> None:
    once, _ = expire(state(), REQUEST)
    twice, again = expire(once, REQUEST)
    assert twice == once
    assert again.image_blobs == () and again.generation_ids == ()


def test_photos_and_archives_stay_while_a_training_runs() -> None:
    running = state(trainings=(training("processing"),), active_training="t")
    after, expired = expire(running, REQUEST)
    assert expired.image_blobs == () and expired.archives is False
    assert len(after.images) == 2 and after.trainings[0].archive_url is not None
    assert expired.generation_ids == ("g-old",)  # generations do not feed a training


def test_a_pending_generation_never_expires() -> None:
    pending = state(generations=(generation("g", OLD - timedelta(days=90), status="pending"),))
    _, expired = expire(pending, REQUEST)
    assert expired.generation_ids == ()


def test_nothing_expired_changes_nothing() -> None:
    fresh = state(images=(image("new", NEW),), generations=(), trainings=())
    after, expired = expire(fresh, REQUEST)
    assert after == fresh and after.retention is None and expired.archives is True
    assert generated_blobs("1", ["g"]) == [
        "1/generated/g.jpg",
        "1/generated/g.2.jpg",  # a likeness retry's image (1.2), when there was one
        "1/generated/g_prompt.txt",
    ]
