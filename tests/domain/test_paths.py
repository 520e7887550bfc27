"""Blob and model names: the seed's layout, and ids that cannot escape their folder."""

from datetime import UTC, datetime

import pytest

from calendary.domain import paths

AT = datetime(2025, 1, 14, 10, 30, 5, tzinfo=UTC)


def test_blob_names_follow_the_seed_layout() -> None:
    assert paths.upload_blob_name("123456789", AT, "ab12", 7) == (
        "123456789/upload/image_20250114_103005_ab12_007.jpg"
    )
    assert paths.archive_blob_name("123456789", AT) == "123456789/archive_20250114_103005.zip"
    assert paths.generated_image_blob_name("1", "abc-123") == "1/generated/abc-123.jpg"
    assert paths.generated_image_blob_name("1", "abc-123", 2) == "1/generated/abc-123.2.jpg"
    assert paths.generated_prompt_blob_name("1", "abc-123") == "1/generated/abc-123_prompt.txt"
    assert paths.index_blob_name("-100") == "-100/index.md"
    assert paths.upload_prefix("42") == "42/upload/"


@pytest.mark.parametrize("chat_id", ["../x", "12a", "", "1/2", "--1", "1" * 21])
def test_chat_ids_other_than_digits_are_refused(chat_id: str) -> None:
    with pytest.raises(ValueError):
        paths.index_blob_name(chat_id)


@pytest.mark.parametrize("generation_id", ["../a", "a/b", "", "a b", "x" * 65])
def test_generation_ids_cannot_escape_the_folder(generation_id: str) -> None:
    with pytest.raises(ValueError):
        paths.generated_image_blob_name("1", generation_id)


def test_upload_names_reject_bad_batch_and_number() -> None:
    with pytest.raises(ValueError):
        paths.upload_blob_name("1", AT, "AB/", 1)
    with pytest.raises(ValueError):
        paths.upload_blob_name("1", AT, "ab", 1000)


def test_model_names_follow_replicate_rules() -> None:
    instance = "chat123456789-3F2A9C1E-77aa-4b2b-9a0e-0123456789ab"
    assert paths.model_name("chernikov", "123456789", 456, instance) == (
        "chernikov/telegram_flux_123456789_456_3f2a9c1e"
    )
    assert paths.model_name("Chernikov", "-1001234", 2, "ab12cd34ef") == (
        "chernikov/telegram_flux_n1001234_2_ab12cd34"
    )
    assert paths.model_slug("-5", 1, "a") != paths.model_slug("5", 1, "a")
    with pytest.raises(ValueError):
        paths.model_name("", "1", 1, "a")
    with pytest.raises(ValueError):
        paths.model_slug("1", 0, "a")


def test_model_names_are_new_after_an_erase_restarts_the_numbers() -> None:
    """Replicate keeps a deleted model's name reserved: the same chat and number from another
    training instance gives another name."""
    first = paths.model_name("o", "1", 1, "chat1-0a1b2c3d-0000")
    again = paths.model_name("o", "1", 1, "chat1-9f8e7d6c-0000")
    assert first != again


def test_batch_id_from_an_instance_id_fits_blob_names() -> None:
    tag = paths.batch_id("3F2A9C1E-77aa-4b2b-9a0e-0123456789ab")
    assert tag == "3f2a9c1e"
    assert paths.upload_blob_name("1", AT, tag, 1).endswith("_3f2a9c1e_001.jpg")
    with pytest.raises(ValueError):
        paths.batch_id("---")


def test_the_pending_upload_blob_is_named_by_chat_and_instance() -> None:
    assert (
        paths.pending_upload_blob_name("-100", "3f2a9c1e77aa") == "-100/.pending/3f2a9c1e77aa.json"
    )
    for bad in ("../x", "a/b", "", "a.b"):
        with pytest.raises(ValueError):
            paths.pending_upload_blob_name("1", bad)


def test_batch_id_skips_the_chat_prefix_of_an_instance_id() -> None:
    assert paths.batch_id("chat-100123-9f8e7d6c5b4a39281706f5e4d3c2b1a0") == "9f8e7d6c"
    assert paths.batch_id("chat42-ab12cd34ef56") == "ab12cd34"
