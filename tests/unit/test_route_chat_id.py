"""The route's `{userId}` read as a chat id, as the status and erase functions share it."""

from __future__ import annotations

import azure.functions as func
import pytest

from api.envelope import BadRequest, route_chat_id


def _request(route_params: dict[str, str]) -> func.HttpRequest:
    return func.HttpRequest(
        "GET", "http://h/api/chats/x/status", body=b"", route_params=route_params
    )


@pytest.mark.parametrize("chat_id", ["123456789", "-1001234567890"])
def test_a_chat_id_passes_as_it_is(chat_id: str) -> None:
    assert route_chat_id(_request({"userId": chat_id})) == chat_id


@pytest.mark.parametrize(
    "route_params", [{"userId": "abc"}, {"userId": "../x"}, {"userId": ""}, {}]
)
def test_anything_else_is_a_bad_request_naming_the_field(route_params: dict[str, str]) -> None:
    with pytest.raises(BadRequest, match="userId must be a Telegram chat id"):
        route_chat_id(_request(route_params))
