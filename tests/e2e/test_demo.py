"""`make demo`'s flow through the in-process host, on ephemeral ports: the same code the command
runs, so the README's promise stays true."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.stack import Stack
from tools.devstack import demo, photos
from tools.devstack.demo_api import Api, DemoFailed
from tools.devstack.demo_flow import NOTIFICATIONS, Storage, run_flow

SECRET = photos.BOT_TOKEN.split(":", 1)[1]


@pytest.fixture
def adjust(stack: Stack) -> Callable[..., None]:
    """Change the host's settings for one test (model_copy: the values must have their types)."""

    def _adjust(stack: Stack, **update: object) -> None:
        stack.change_settings(**update)

    return _adjust


def _storage(stack: Stack, connection_string: str) -> Storage:
    return Storage(connection_string, stack.settings.notifications_queue)


def test_demo_flow_end_to_end(
    stack: Stack,
    chat_id: str,
    tmp_path: Path,
    azurite_connection_string: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    lines: list[str] = []
    with photos.serving() as server:
        api = Api(stack.http, stack.host.base_url, poll_interval=0.05)
        result = run_flow(
            api,
            _storage(stack, azurite_connection_string),
            server.urls(),
            tmp_path,
            chat_id,
            say=lines.append,
        )

    assert result.starts == {"upload": 200, "train": 200, "generate": 200}
    assert [step for step, _ in result.timings] == [
        "upload",
        "train",
        "training",
        "generate",
        "records",
    ]
    stored = stack.read_blob(f"{chat_id}/generated/{result.generation_id}.jpg")
    assert result.image_path == tmp_path / chat_id / f"{result.generation_id}.jpg"
    assert result.image_path.read_bytes() == stored
    assert Image.open(io.BytesIO(stored)).format == "JPEG"
    index = result.index_path.read_text()
    assert index == stack.read_blob(f"{chat_id}/index.md").decode()
    assert index.startswith(f"# Chat {chat_id}\n")
    assert f"- Training ID: {result.training_id}" in index
    assert f"### Generation {result.generation_id}" in index
    assert re.fullmatch(rf"kaizen/telegram_flux_{chat_id}_1_[0-9a-f]{{8}}", result.model_id)

    # The notifications were consumed, as N8N consumes them.
    assert [n["messageType"] for n in result.notifications] == list(NOTIFICATIONS)
    assert stack.messages(chat_id) == []

    # The bot token in the photo URLs reached neither answers, records nor logs; the image
    # requests themselves were logged, redacted.
    assert SECRET not in "\n".join(api.answers) + index + str(result.notifications)
    assert "bot<redacted>/photos/file_1.jpg" in caplog.text
    assert SECRET not in caplog.text
    assert demo.leaks(result, api, None) == []


def test_demo_follows_status_urls_when_the_starters_answer_202(
    stack: Stack,
    chat_id: str,
    tmp_path: Path,
    azurite_connection_string: str,
    adjust: Callable[..., None],
) -> None:
    no_wait = timedelta(0)
    adjust(stack, upload_wait=no_wait, train_wait=no_wait, generate_wait=no_wait)
    with photos.serving() as server:
        api = Api(stack.http, stack.host.base_url, poll_interval=0.05)
        result = run_flow(
            api,
            _storage(stack, azurite_connection_string),
            server.urls(),
            tmp_path,
            chat_id,
            say=lambda _: None,
        )
    assert result.starts == {"upload": 202, "train": 202, "generate": 202}
    assert result.image_path.read_bytes() == stack.read_blob(
        f"{chat_id}/generated/{result.generation_id}.jpg"
    )
    assert [n["messageType"] for n in result.notifications] == list(NOTIFICATIONS)


def test_demo_stops_at_a_failed_training(
    stack: Stack, chat_id: str, tmp_path: Path, azurite_connection_string: str
) -> None:
    stack.fake.fake.fail_jobs("training", error="CUDA out of memory")
    with photos.serving() as server, pytest.raises(DemoFailed) as failed:
        run_flow(
            Api(stack.http, stack.host.base_url, poll_interval=0.05),
            _storage(stack, azurite_connection_string),
            server.urls(),
            tmp_path,
            chat_id,
            say=lambda _: None,
        )
    assert failed.value.step == "training"
    assert "the training ended failed" in str(failed.value)
    assert not (tmp_path / chat_id).exists()


def test_make_demo_exits_non_zero_with_the_failing_step(
    stack: Stack,
    chat_id: str,
    tmp_path: Path,
    azurite_connection_string: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    adjust: Callable[..., None],
) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", azurite_connection_string)
    monkeypatch.setenv("NotificationsQueue", stack.settings.notifications_queue)
    # Too few photos for a training: the service refuses with 400 and the demo says so.
    adjust(stack, min_training_images=7)
    argv = ["--base-url", stack.host.base_url, "--user-id", chat_id, "--out", str(tmp_path)]
    assert demo.main(argv) == 1
    err = capsys.readouterr().err
    assert "make demo failed at train: POST" in err
    assert "answered 400: at least 7 uploaded images are needed" in err
