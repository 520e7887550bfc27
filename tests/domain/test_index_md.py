"""index.md rendering: the seed's example exactly, an empty chat, trainings and generations."""

from datetime import UTC, datetime

from calendary.domain.chat_state import ChatState, GenerationRecord, StoredPhoto, TrainingRecord
from calendary.domain.index_md import escape_text, format_time, render_index

BASE = "https://storage.blob.core.windows.net/data/123456789"

SEED_EXAMPLE = f"""# Chat 123456789

## Uploaded Images

- Date: 2025-01-14 10:30:00 UTC
- Count: 15

## Training

- Training ID: abc123xyz
- Model ID: chernikov/telegram_flux_123456789_456
- Status: succeeded
- Archive: {BASE}/archive.zip
- Trigger Word: TOK
- Steps: 1000
- Started: 2025-01-14 10:35:00 UTC

### Generation abc-123

- Date: 2025-01-14 11:00:00 UTC
- Prompt: a photo of TOK person at the beach
- Seed: 12345
- Image: {BASE}/generated/abc-123.jpg

### Generation def-456

- Date: 2025-01-14 11:05:00 UTC
- Prompt: TOK person wearing a suit
- Seed: 67890
- Image: {BASE}/generated/def-456.jpg
"""


def at(hour: int, minute: int) -> datetime:
    return datetime(2025, 1, 14, hour, minute, tzinfo=UTC)


def image(n: int) -> StoredPhoto:
    return StoredPhoto(
        blob_name=f"123456789/upload/{n}.jpg", size_bytes=1, sha256=str(n), uploaded_at=at(10, 30)
    )


def training(**changes: object) -> TrainingRecord:
    base = TrainingRecord(
        instance_id="i1",
        number=456,
        model_id="chernikov/telegram_flux_123456789_456",
        status="succeeded",
        trigger_word="TOK",
        steps=1000,
        training_id="abc123xyz",
        archive_url=f"{BASE}/archive.zip",
        created_at=at(10, 35),
    )
    return base.model_copy(update=changes)


def generation(gid: str, prompt: str, seed: int, when: datetime, **changes: object):
    base = GenerationRecord(
        generation_id=gid,
        training_id="abc123xyz",
        prompt=prompt,
        seed=seed,
        image_url=f"{BASE}/generated/{gid}.jpg",
        status="succeeded",
        created_at=when,
    )
    return base.model_copy(update=changes)


def seed_state() -> ChatState:
    return ChatState(
        chat_id="123456789",
        images=tuple(image(n) for n in range(15)),
        trainings=(training(),),
        generations=(
            generation("abc-123", "a photo of TOK person at the beach", 12345, at(11, 0)),
            generation("def-456", "TOK person wearing a suit", 67890, at(11, 5)),
        ),
    )


def test_renders_the_seed_example_exactly() -> None:
    assert render_index(seed_state()) == SEED_EXAMPLE


def test_empty_chat_has_heading_and_zero_count() -> None:
    assert render_index(ChatState(chat_id="-42")) == (
        "# Chat -42\n\n## Uploaded Images\n\n- Count: 0\n"
    )


def test_several_trainings_each_carry_their_generations() -> None:
    second = training(
        instance_id="i2",
        training_id="zzz999",
        status="failed",
        model_id="chernikov/telegram_flux_123456789_457",
        created_at=at(12, 0),
        completed_at=at(12, 30),
    )
    first = training(version="f" * 64, completed_at=at(10, 50))
    state = seed_state().model_copy(update={"trainings": (first, second)})
    text = render_index(state)
    assert text.count("## Training\n") == 2
    first_at, second_at = text.index("abc123xyz"), text.index("zzz999")
    assert first_at < text.index("### Generation abc-123") < second_at
    assert f"- Version: {'f' * 64}\n- Completed: 2025-01-14 10:50:00 UTC" in text
    assert "- Status: failed\n" in text[second_at:]


def test_user_text_cannot_break_the_document() -> None:
    hostile = "beach\n# Chat 666\n## Training\r\n- Status: hacked\u2028*bold* [x](javascript:y) <b>"
    state = seed_state().model_copy(
        update={"generations": (generation("g1", hostile, 1, at(11, 0)),)}
    )
    lines = render_index(state).splitlines()
    assert lines.count("## Training") == 1
    assert [ln for ln in lines if ln.startswith("#")] == [
        "# Chat 123456789",
        "## Uploaded Images",
        "## Training",
        "### Generation g1",
    ]
    prompt = next(ln for ln in lines if ln.startswith("- Prompt: "))
    assert prompt == (
        r"- Prompt: beach \# Chat 666 \#\# Training - Status: hacked \*bold\* "
        r"\[x\](javascript:y) \<b\>"
    )


def test_urls_lose_their_sas_and_failed_generations_say_so() -> None:
    gen = generation(
        "g1",
        "p",
        1,
        at(11, 0),
        image_url=f"{BASE}/generated/g1.jpg?sv=1&sig=SECRET",
        status="failed",
    )
    state = seed_state().model_copy(
        update={
            "trainings": (training(archive_url=f"{BASE}/a.zip?sig=SECRET"),),
            "generations": (gen,),
        }
    )
    text = render_index(state)
    assert "SECRET" not in text
    assert "sig=" not in text
    assert f"- Archive: {BASE}/a.zip\n" in text
    assert "- Status: failed" in text


def test_output_seed_wins_over_requested_seed() -> None:
    gen = generation("g1", "p", 5, at(11, 0), output_seed=99)
    state = seed_state().model_copy(update={"generations": (gen,)})
    assert "- Seed: 99\n" in render_index(state)


def test_time_and_escape_helpers() -> None:
    assert format_time(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02 03:04:05 UTC"
    assert escape_text("  a_b\tc  ") == r"a\_b c"
