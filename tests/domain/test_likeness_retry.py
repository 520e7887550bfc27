"""When a low likeness is retried, which image stays, and how both attempts are written down."""

from datetime import UTC, datetime

import pytest

from activities.contracts import CreatePredictionInput, StoreImageInput
from calendary.domain.chat_state import ChatState, GenerationAttempt, GenerationRecord
from calendary.domain.index_md import render_index
from calendary.domain.likeness_retry import (
    SEED_RANGE,
    attempts_text,
    keeps_second,
    retry_seed,
    should_retry,
)
from calendary.storage.tables import generation_row

AT = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
RETRIED = (
    GenerationAttempt(seed=7, replicate_id="p1", likeness_distance=0.812, kept=False),
    GenerationAttempt(seed=123, replicate_id="p2", likeness_distance=0.354, kept=True),
)


@pytest.mark.parametrize(
    ("distance", "above", "retried"),
    [
        (0.8, 0.6, True),
        (0.6, 0.6, False),  # at the threshold: as LikenessMaxDistance, only farther is low
        (0.4, 0.6, False),
        (None, 0.6, False),  # no face in the image: a retry would not add one
        (0.8, None, False),  # the setting is off
    ],
)
def test_only_a_measured_face_too_far_is_retried(
    distance: float | None, above: float | None, retried: bool
) -> None:
    assert should_retry(distance, above) is retried


@pytest.mark.parametrize(
    ("first", "second", "second_kept"),
    [
        (0.8, 0.4, True),
        (0.8, 0.9, False),
        (0.8, 0.8, False),  # a tie keeps the user's seed
        (0.8, None, False),  # no face (or no image) the second time
    ],
)
def test_the_closer_face_is_kept(first: float, second: float | None, second_kept: bool) -> None:
    assert keeps_second(first, second) is second_kept


def test_the_new_seed_follows_from_the_workflows_uuid() -> None:
    uuid = "9b2e8f0c-3c1d-5e7a-8f00-112233445566"
    assert retry_seed(uuid) == retry_seed(uuid)  # a replay asks for the same seed
    assert retry_seed(uuid) != retry_seed("9b2e8f0c-3c1d-5e7a-8f00-112233445567")
    assert 0 <= retry_seed("ffffffff-ffff-ffff-ffff-ffffffffffff") < SEED_RANGE


def test_attempts_read_as_one_line() -> None:
    assert attempts_text(RETRIED) == "0.81 (seed 7); 0.35 (seed 123, kept)"
    no_face = GenerationAttempt(seed=None, likeness_distance=None, kept=False)
    assert attempts_text((RETRIED[0].model_copy(update={"kept": True}), no_face)) == (
        "0.81 (seed 7, kept); no face"
    )


def test_the_row_and_the_page_carry_both_attempts() -> None:
    record = GenerationRecord(
        generation_id="g1",
        training_id="t1",
        prompt="TOK at sea",
        seed=7,
        output_seed=123,
        replicate_id="p2",
        status="succeeded",
        likeness_distance=0.354,
        attempts=RETRIED,
        created_at=AT,
        completed_at=AT,
    )
    row = generation_row("1", record)
    assert (row.replicate_id, row.retry_replicate_id) == ("p2", "p2")
    assert row.likeness_attempts == "0.81 (seed 7); 0.35 (seed 123, kept)"
    page = render_index(ChatState(chat_id="1", generations=(record,)))
    assert "- Likeness: 0.35\n" in page
    assert "- Likeness Attempts: 0.81 (seed 7); 0.35 (seed 123, kept)\n" in page

    once = record.model_copy(update={"attempts": ()})
    assert generation_row("1", once).likeness_attempts is None
    assert "Likeness Attempts" not in render_index(ChatState(chat_id="1", generations=(once,)))


def test_a_first_attempt_sends_what_versions_before_the_retry_recorded() -> None:
    """1.0 and 1.1 histories hold these inputs without `attempt`; a retry names its attempt."""
    store = StoreImageInput(chat_id="1", generation_id="g", output_url="https://x/o", prompt="p")
    assert store.dump() == {
        "chat_id": "1",
        "generation_id": "g",
        "output_url": "https://x/o",
        "prompt": "p",
    }
    assert store.model_copy(update={"attempt": 2}).dump()["attempt"] == 2
    predict = CreatePredictionInput(
        chat_id="1",
        generation_id="g",
        instance_id="g",
        version="v",
        prompt="p",
        aspect_ratio="1:1",
        num_inference_steps=28,
    )
    assert "attempt" not in predict.dump()
    assert CreatePredictionInput.model_validate(predict.dump()).attempt == 1
