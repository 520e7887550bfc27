"""Every log line of a whole run, at DEBUG, is free of the Replicate token, the Telegram bot token
and SAS signatures."""

from __future__ import annotations

import logging
import re

import pytest

from tests.e2e.stack import BOT_TOKEN, Stack


def test_a_full_run_logs_no_secret(
    stack: Stack, chat_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stack.upload(chat_id, [41, 42, 43, 44, 45])
    stack.post(
        "UploadImages",
        {"userId": chat_id, "imageUrls": [stack.site.url(f"/file/bot{BOT_TOKEN}/missing.jpg")]},
    )
    stack.post(
        "UploadImages",
        {"userId": chat_id, "imageUrls": [f"https://evil.example/file/bot{BOT_TOKEN}/x.jpg"]},
    )
    started = stack.train(chat_id)
    stack.wait_training(chat_id, instance_id=started["instanceId"])
    generated = stack.post(
        "GenerateImage",
        {"userId": chat_id, "trainingId": started["trainingId"], "prompt": "TOK in a hat"},
    )
    assert generated.status_code == 200, generated.text

    records = caplog.records
    assert len(records) > 50  # the run did log: requests, activities, workflow steps
    text = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in records
    )
    secrets = {
        "bot token": BOT_TOKEN,
        "Replicate token": stack.settings.replicate_api_key.get_secret_value(),
    }
    leaked = {name for name, value in secrets.items() if value in text}
    if re.search(r"sig=(?!<redacted>)[A-Za-z0-9%/+]", text):
        leaked.add("SAS signature")
    assert not leaked, f"found in logs: {leaked}"
