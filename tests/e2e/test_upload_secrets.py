"""Telegram file URLs carry the bot token: it is never kept in the task hub nor left in storage."""

from __future__ import annotations

import json

from pydantic import SecretStr

from tests.e2e.stack import BOT_TOKEN, Stack


def _assert_no_token_in_workflows(stack: Stack, instance_id: str, expected: int) -> None:
    family = stack.instance_family(instance_id)
    assert sorted(i["instanceId"] for i in family) == sorted(
        [instance_id] + [f"{instance_id}-{n}" for n in range(expected)]
    )
    text = json.dumps(family)
    assert BOT_TOKEN not in text
    # The inputs are shown (so the check above looks at them); photos are named redacted.
    assert "/bot<redacted>/photos/" in text
    assert all(i["historyEvents"] for i in family)


def test_upload_keeps_the_bot_token_out_of_workflow_inputs_and_history(
    stack: Stack, chat_id: str
) -> None:
    response = stack.post(
        "UploadImages",
        {
            "userId": chat_id,
            "imageUrls": [
                stack.photo_url(41),
                stack.photo_url(42),
                stack.site.url(f"/file/bot{BOT_TOKEN}/photos/gone.jpg"),
            ],
        },
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["imageCount"] == 2
    assert data["skipped"] == [{"index": 2, "reason": "http_status"}]
    assert BOT_TOKEN not in response.text

    _assert_no_token_in_workflows(stack, data["instanceId"], expected=3)
    # Only the photos and index.md remain: the pending URL list is gone with the workflow.
    chat_blobs = stack.blob_names(f"{chat_id}/")
    assert [n for n in chat_blobs if not n.startswith(f"{chat_id}/upload/")] == [
        f"{chat_id}/index.md"
    ]
    assert len(chat_blobs) == 3
    assert ".pending" not in stack.read_blob(f"{chat_id}/index.md").decode()


def test_the_url_list_is_removed_when_nothing_was_downloaded(stack: Stack, chat_id: str) -> None:
    body = {"userId": chat_id, "images": [{"url": stack.photo_url(43), "sourceId": "AQADsec"}]}
    assert stack.post("UploadImages", body).json()["data"]["imageCount"] == 1
    again = stack.post("UploadImages", body)
    assert again.json()["data"]["skipped"] == [{"index": 0, "reason": "duplicate_source"}]
    _assert_no_token_in_workflows(stack, again.json()["data"]["instanceId"], expected=0)
    assert stack.blob_names(f"{chat_id}/.pending/") == []


def test_a_telegram_file_path_is_fetched_with_the_service_own_token(
    stack: Stack, chat_id: str
) -> None:
    stack.photo_url(44)  # served at /file/bot<token>/photos/file_44.jpg, as Telegram does
    body = {"userId": chat_id, "images": [{"telegramFilePath": "photos/file_44.jpg"}]}
    refused = stack.post("UploadImages", body)
    assert refused.status_code == 400
    assert "TelegramBotToken" in refused.json()["error"]

    stack.change_settings(
        telegram_bot_token=SecretStr(BOT_TOKEN), telegram_api_base_url=stack.site.origin
    )
    response = stack.post("UploadImages", body)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["imageCount"] == 1
    assert BOT_TOKEN not in response.text
    _assert_no_token_in_workflows(stack, response.json()["data"]["instanceId"], expected=1)
