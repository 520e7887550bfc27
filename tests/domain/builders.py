"""Small builders for chat states in tests (plain data, no doubles)."""

from datetime import UTC, datetime, timedelta

from calendary.domain.chat_state import ChatState
from calendary.domain.chat_trainings import (
    TrainingRequest,
    record_training_finished,
    record_training_started,
    reserve_training,
)
from calendary.domain.chat_uploads import ImageCandidate, register_images

T0 = datetime(2025, 1, 14, 10, 30, 0, tzinfo=UTC)


def candidate(n: int, *, sha: str | None = None, source: str | None = None) -> ImageCandidate:
    return ImageCandidate(
        index=n,
        blob_name=f"123456789/upload/image_20250114_103000_b_{n:03d}.jpg",
        size_bytes=1000 + n,
        sha256=sha or f"{n:064x}",
        source_id=source,
        uploaded_at=T0,
    )


def with_images(count: int, chat_id: str = "123456789") -> ChatState:
    state, _ = register_images(
        ChatState(chat_id=chat_id), [candidate(i) for i in range(1, count + 1)], max_images=100
    )
    return state


def request(instance_id: str = "inst1", at: datetime = T0) -> TrainingRequest:
    return TrainingRequest(
        instance_id=instance_id,
        owner="chernikov",
        trigger_word="TOK",
        steps=1000,
        requested_at=at + timedelta(minutes=5),
    )


def trained(chat_id: str = "123456789") -> ChatState:
    state, _ = reserve_training(with_images(5, chat_id), request(), min_images=5)
    state, _ = record_training_started(
        state,
        "inst1",
        training_id="abc123xyz",
        archive_url="https://storage.blob.core.windows.net/data/123456789/archive.zip",
    )
    state, _ = record_training_finished(
        state, "inst1", status="succeeded", version="h" * 64, completed_at=T0 + timedelta(hours=1)
    )
    return state
