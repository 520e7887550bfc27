"""Notification messages: Ukrainian by default, English too, no secrets but the image link."""

import json

import pytest
from pydantic import ValidationError

from calendary.domain import notifications as n


def test_training_complete_in_ukrainian_by_default_shape() -> None:
    msg = n.training_complete(
        "123456789",
        training_id="abc",
        model_id="chernikov/telegram_flux_123456789_1",
        version="v1",
        instance_id="i1",
        language="uk",
    )
    body = json.loads(msg.to_json())
    assert set(body) == {"userId", "text", "imageUrl", "messageType", "metadata"}
    assert body["userId"] == "123456789"
    assert body["text"].startswith("Тренування завершено!")
    assert body["messageType"] == "training_complete"
    assert body["imageUrl"] == ""
    assert body["metadata"]["idempotencyKey"] == "training_complete:abc"
    assert body["metadata"]["version"] == "v1"


def test_english_is_selectable_and_every_type_has_both_texts() -> None:
    builders = [
        lambda lang: n.upload_complete(
            "1", instance_id="i", accepted=3, skipped=1, total=9, language=lang
        ),
        lambda lang: n.training_started(
            "1", training_id="t", model_id="o/m", instance_id="i", language=lang
        ),
        lambda lang: n.training_failed("1", training_id=None, instance_id="i", language=lang),
        lambda lang: n.generation_complete(
            "1",
            generation_id="g",
            training_id="t",
            image_url="https://x/g.jpg?sig=s",
            seed=4,
            language=lang,
        ),
        lambda lang: n.generation_failed("1", generation_id="g", training_id="t", language=lang),
        lambda lang: n.upload_failed("1", instance_id="i", language=lang),
    ]
    for build in builders:
        uk, en = build("uk"), build("en")
        assert uk.message_type == en.message_type
        assert uk.text != en.text
        assert uk.idempotency_key == en.idempotency_key
    upload = n.upload_complete("1", instance_id="i", accepted=3, skipped=1, total=9, language="en")
    assert upload.text == "Images uploaded: 3. Skipped: 1. Total in this chat: 9."
    assert (
        n.training_failed("1", training_id=None, instance_id="i9", language="uk").metadata[
            "idempotencyKey"
        ]
        == "training_failed:i9"
    )


@pytest.mark.parametrize(
    "leak",
    [
        "https://api.telegram.org/file/bot123456:AAHabcdefghijklmnopqrstuvwx/a.jpg",
        "https://acct.blob.core.windows.net/data/x.zip?sv=1&sig=abc",
        "r8_abcdefghijklmnopqrstuvwxyz",
    ],
)
def test_secrets_are_refused_outside_the_image_link(leak: str) -> None:
    with pytest.raises(ValidationError):
        n.Notification(userId="1", text="hi", messageType="upload_complete", metadata={"u": leak})
    with pytest.raises(ValidationError):
        n.Notification(userId="1", text=leak, messageType="upload_complete")


def test_image_link_may_carry_a_short_lived_sas_but_no_bot_token() -> None:
    ok = n.Notification(
        userId="1", text="t", imageUrl="https://a/g.jpg?sig=x", messageType="generation_complete"
    )
    assert ok.image_url.endswith("sig=x")
    with pytest.raises(ValidationError):
        n.Notification(
            userId="1",
            text="t",
            imageUrl="https://api.telegram.org/file/bot123456:AAHabcdefghijklmnopqrstuvwx/a.jpg",
            messageType="generation_complete",
        )


def test_a_failed_upload_says_so_keyed_by_its_workflow() -> None:
    message = n.upload_failed("1", instance_id="u7", language="en")
    assert message.text == "The photos could not be saved. Please send them again a little later."
    assert message.metadata == {"idempotencyKey": "upload_failed:u7", "instanceId": "u7"}
