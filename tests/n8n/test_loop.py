"""Telegram → n8n → service → Replicate → n8n → Telegram, with the shipped workflows in a real
n8n: a user sends photos and commands to the fake Telegram and reads what the bot sent back."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from calendary.domain.notifications import _PHOTO_TEXTS, _TEXTS
from tests.e2e.stack import photo
from tests.n8n.loop import (
    FUNCTION_KEY,
    NOTIFICATION_KEY,
    PREDICTION_SECONDS,
    SYSTEM_KEY,
    Loop,
    wait_for,
)
from tools.fakes.replicate.config import Schedule
from tools.fakes.telegram.records import SentMessage

pytestmark = [pytest.mark.n8n, pytest.mark.timeout(240)]
TEXTS = _TEXTS["uk"]  # the seed's language, the service's default
STATUS_POLL = "CalendaryStatusPoll"


def texts_like(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(template)) + "$")


def first_line(message: SentMessage) -> str:
    """An upload confirmation's first line: the photo checks' lines follow it."""
    return (message.text or message.caption).split("\n", 1)[0]


def new_chat() -> int:
    return 10**9 + uuid.uuid4().int % 10**9


def sent(loop: Loop, chat: int) -> list[SentMessage]:
    return loop.telegram.fake.sent_to(str(chat))


def wait_message(loop: Loop, chat: int, template: str, timeout: float = 60) -> SentMessage:
    pattern = texts_like(template)

    def found() -> SentMessage | None:
        return next((m for m in sent(loop, chat) if pattern.match(m.text or m.caption)), None)

    return wait_for(found, timeout, f"message {template!r}", lambda: loop.diagnosis(chat))


def upload_six(loop: Loop, chat: int) -> None:
    """An album of four, one photo, one image sent as a file: six uploads in the chat."""
    user = loop.telegram.fake
    user.user_sends_album(chat, [photo(chat + n) for n in range(4)])
    user.user_sends_photo(chat, photo(chat + 4))
    user.user_sends_document(chat, photo(chat + 5), "me.jpg", "image/jpeg")
    uploaded = texts_like(TEXTS["upload_complete"])

    # One confirmation per photo; the one saying "6" need not come last.
    def six() -> list[SentMessage] | None:
        found = [m for m in sent(loop, chat) if uploaded.match(first_line(m))]
        return found if len(found) == 6 else None

    confirmations = wait_for(six, 60, "six upload confirmations", lambda: loop.diagnosis(chat))
    assert any(first_line(m).endswith(": 6.") for m in confirmations)
    # The photo checks' verdicts reach the chat: the sample photos are gradients, no face.
    passing = _PHOTO_TEXTS["uk"]["passing"].format(passing=0)
    for message in confirmations:
        assert message.text.split("\n")[1] == passing, message.text
        assert "no face found" in message.text


def test_photos_train_and_generate_through_n8n(loop: Loop) -> None:
    chat = new_chat()
    upload_six(loop, chat)
    loop.telegram.fake.user_sends_text(chat, "/train")
    wait_message(loop, chat, TEXTS["training_started"])
    wait_message(loop, chat, TEXTS["training_complete"])
    loop.telegram.fake.user_sends_text(chat, "a photo of TOK person at the beach")
    picture = wait_message(loop, chat, TEXTS["generation_complete"])

    assert picture.method == "sendPhoto"
    [generated] = [n for n in loop.blob_names(f"{chat}/generated/") if n.endswith(".jpg")]
    assert picture.content == loop.blob(generated)
    kinds = [m.text or m.caption for m in sent(loop, chat)]
    uploaded = texts_like(TEXTS["upload_complete"])
    assert len([k for k in kinds if uploaded.match(k.split("\n", 1)[0])]) == 6
    assert len(kinds) == 6 + 3, kinds  # nothing else: no error replies, no repeats
    wait_for(lambda: set(loop.queued().values()) == {0}, 30, "notification queue drained")
    assert_no_secrets(loop, extra=[loop.blob(f"{chat}/index.md").decode()])


def test_a_failed_training_reaches_the_user(loop: Loop) -> None:
    chat = new_chat()
    upload_six(loop, chat)
    loop.replicate.fake.fail_jobs("training")
    loop.telegram.fake.user_sends_text(chat, "/train")

    wait_message(loop, chat, TEXTS["training_failed"])
    assert not any(texts_like(TEXTS["training_complete"]).match(m.text) for m in sent(loop, chat))


def test_a_slow_generation_is_followed_through_its_status_url(loop: Loop) -> None:
    chat = new_chat()
    upload_six(loop, chat)
    loop.telegram.fake.user_sends_text(chat, "/train")
    wait_message(loop, chat, TEXTS["training_complete"])
    polls_before = len(loop.executions_of(STATUS_POLL))
    # Longer than GenerateWaitTimeout (2 s): the starter answers 202 with its status URL.
    loop.replicate.fake.set_schedule(prediction=Schedule(processing=4.0))
    try:
        loop.telegram.fake.user_sends_text(chat, "TOK in the mountains")
        picture = wait_message(loop, chat, TEXTS["generation_complete"])
    finally:
        loop.replicate.fake.set_schedule(prediction=Schedule(processing=PREDICTION_SECONDS))

    [generated] = [n for n in loop.blob_names(f"{chat}/generated/") if n.endswith(".jpg")]
    assert picture.content == loop.blob(generated)

    def finished_polls() -> list[dict[str, Any]] | None:
        polls = loop.executions_of(STATUS_POLL)[polls_before:]
        return (
            polls if polls and all(p["status"] not in ("new", "running") for p in polls) else None
        )

    polls = wait_for(finished_polls, 30, "status poll finished")
    assert [p["status"] for p in polls] == ["success"]
    assert "Completed" in polls[0]["data"]  # it ended on the workflow's final status
    assert len(sent(loop, chat)) == 6 + 3  # no error reply beside the picture
    assert_no_secrets(loop)


def assert_no_secrets(loop: Loop, extra: list[str] | None = None) -> None:
    """No secret in n8n's executions, its whole folder, its log, the host's log or `extra`."""
    secrets = [
        loop.telegram.token,
        FUNCTION_KEY,
        NOTIFICATION_KEY,
        SYSTEM_KEY,
        loop.replicate.api_key,
    ]
    places = {
        "n8n executions": "\n".join(str(e["data"]) for e in loop.n8n.executions()),
        "n8n log": loop.n8n_log.read_text(errors="replace"),
        "service log": loop.host_log.read_text(errors="replace"),
        **{f"extra {i}": text for i, text in enumerate(extra or [])},
    }
    assert "Telegram Trigger" in places["n8n executions"]  # the data is really there
    for where, text in places.items():
        for secret in secrets:
            assert secret not in text, f"a secret in the {where}"
        assert "sig=" not in text, f"a SAS signature in the {where}"
        assert "code=" not in text, f"a key in a URL in the {where}"
    for path in Path(loop.n8n.user_folder).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in content, f"a secret in {path.name}"
