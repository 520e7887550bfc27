"""The fake Telegram answers like the Bot API does (shapes from core.telegram.org/bots/api)."""

from __future__ import annotations

import httpx

from tools.fakes.replicate.testing import StubSite
from tools.fakes.telegram.testing import RunningTelegram


def _call(telegram: RunningTelegram, method: str, token: str | None = None, **kwargs: object):
    url = f"{telegram.base_url}/bot{token or telegram.token}/{method}"
    return httpx.post(url, timeout=10, **kwargs)  # type: ignore[arg-type]


def test_send_message_answers_a_message(telegram: RunningTelegram) -> None:
    answer = _call(telegram, "sendMessage", json={"chat_id": "42", "text": "hi"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True
    assert body["result"]["chat"]["id"] == 42
    assert body["result"]["text"] == "hi"
    assert [m.text for m in telegram.fake.sent_to("42")] == ["hi"]


def test_form_parameters_are_accepted_too(telegram: RunningTelegram) -> None:
    answer = _call(telegram, "sendMessage", data={"chat_id": "42", "text": "form"})
    assert answer.json()["ok"] is True


def test_a_wrong_token_is_unauthorized(telegram: RunningTelegram) -> None:
    answer = _call(telegram, "sendMessage", token="1:nope", json={"chat_id": "1", "text": "x"})
    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_unknown_chats_and_empty_texts_are_bad_requests(telegram: RunningTelegram) -> None:
    telegram.fake.known_chats = frozenset({"42"})
    unknown = _call(telegram, "sendMessage", json={"chat_id": "43", "text": "x"})
    empty = _call(telegram, "sendMessage", json={"chat_id": "42", "text": " "})
    assert (unknown.status_code, unknown.json()["description"]) == (
        400,
        "Bad Request: chat not found",
    )
    assert empty.json()["description"] == "Bad Request: message text is empty"
    assert telegram.fake.sent == []


def test_faults_answer_500_then_429_with_retry_after(telegram: RunningTelegram) -> None:
    telegram.fake.fail_next(1, status=500)
    telegram.fake.fail_next(1, status=429, retry_after=5)
    payload = {"chat_id": "42", "text": "x"}
    first, second, third = (_call(telegram, "sendMessage", json=payload) for _ in range(3))
    assert first.status_code == 500
    assert second.status_code == 429
    assert second.json()["parameters"] == {"retry_after": 5}
    assert second.headers["retry-after"] == "5"
    assert third.status_code == 200
    assert len(telegram.fake.sent) == 1


def test_send_photo_downloads_the_picture(telegram: RunningTelegram, site: StubSite) -> None:
    ok = _call(
        telegram,
        "sendPhoto",
        json={"chat_id": "42", "photo": site.url("/generated/g1.jpg"), "caption": "c"},
    )
    dead = _call(telegram, "sendPhoto", json={"chat_id": "42", "photo": site.url("/gone.jpg")})
    # Several sizes, smallest first, as Telegram answers; the largest is the picture itself.
    assert [p["width"] for p in ok.json()["result"]["photo"]] == [90, 320, 640]
    assert ok.json()["result"]["caption"] == "c"
    assert dead.json()["description"] == "Bad Request: failed to get HTTP URL content"
    assert [m.photo_size for m in telegram.fake.sent] == [(640, 480)]


def test_control_over_http(telegram: RunningTelegram) -> None:
    httpx.post(f"{telegram.base_url}/_fake/faults", json={"count": 1, "status": 500})
    assert _call(telegram, "sendMessage", json={"chat_id": "7", "text": "x"}).status_code == 500
    _call(telegram, "sendMessage", json={"chat_id": "7", "text": "y"})
    ledger = httpx.get(f"{telegram.base_url}/_fake/sent").json()
    assert [m["text"] for m in ledger["sent"]] == ["y"]
