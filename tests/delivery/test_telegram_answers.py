"""How Telegram's answers map to sent / retry / give up (no server needed)."""

from __future__ import annotations

import httpx
import pytest

from calendary.delivery.errors import PermanentDeliveryError, TransientDeliveryError
from calendary.delivery.telegram import MAX_CAPTION, request_for, result_of
from tests.delivery.messages import generation_complete, training_complete


def _answer(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body)


def _error(code: int, description: str, **parameters: int) -> httpx.Response:
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return _answer(code, body)


def test_an_accepted_message_gives_its_id() -> None:
    answer = _answer(200, {"ok": True, "result": {"message_id": 99, "chat": {"id": 1}}})
    assert result_of("sendMessage", answer) == "99"


@pytest.mark.parametrize(
    "answer",
    [
        _error(429, "Too Many Requests: retry after 3", retry_after=3),
        _error(500, "Internal Server Error"),
        _error(502, "Bad Gateway"),
        _error(401, "Unauthorized"),
        _error(404, "Not Found"),
        httpx.Response(503, text="<html>gateway</html>"),
        _answer(200, {"ok": False}),
    ],
    ids=["429", "500", "502", "401", "404", "html-503", "ok-false"],
)
def test_transient_answers(answer: httpx.Response) -> None:
    with pytest.raises(TransientDeliveryError):
        result_of("sendMessage", answer)


def test_retry_after_is_kept() -> None:
    with pytest.raises(TransientDeliveryError) as caught:
        result_of("sendMessage", _error(429, "Too Many Requests: retry after 3", retry_after=3))
    assert caught.value.retry_after == 3


@pytest.mark.parametrize(
    "answer",
    [
        _error(400, "Bad Request: chat not found"),
        _error(403, "Forbidden: bot was blocked by the user"),
        _error(400, "Bad Request: failed to get HTTP URL content"),
    ],
    ids=["chat-not-found", "blocked", "dead-photo"],
)
def test_permanent_answers(answer: httpx.Response) -> None:
    with pytest.raises(PermanentDeliveryError, match=r"Telegram sendPhoto: 40\d "):
        result_of("sendPhoto", answer)


def test_text_goes_with_send_message_and_an_image_with_send_photo() -> None:
    text = training_complete()
    assert request_for(text) == ("sendMessage", {"chat_id": text.user_id, "text": text.text})
    photo = generation_complete("https://st.blob.core.windows.net/data/1/generated/g1.jpg?sig=x")
    method, payload = request_for(photo)
    assert method == "sendPhoto"
    assert payload == {"chat_id": photo.user_id, "photo": photo.image_url, "caption": photo.text}


def test_a_long_caption_is_shortened_to_telegrams_limit() -> None:
    photo = generation_complete("https://st/x.jpg").model_copy(update={"text": "x" * 2000})
    _, payload = request_for(photo)
    assert len(payload["caption"]) == MAX_CAPTION
    assert payload["caption"].endswith("…")
