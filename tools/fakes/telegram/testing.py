"""Test helper: the fake Telegram served on an ephemeral loopback port in a thread."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from tools.fakes.replicate.testing import serve_app
from tools.fakes.telegram.app import DEFAULT_TOKEN, FakeTelegram


@dataclass
class RunningTelegram:
    fake: FakeTelegram
    base_url: str  # the value for TelegramApiBaseUrl
    token: str


@contextlib.contextmanager
def running_telegram(fake: FakeTelegram | None = None) -> Iterator[RunningTelegram]:
    fake = fake or FakeTelegram()
    with serve_app(fake.app) as origin:
        yield RunningTelegram(
            fake, origin, sorted(fake.tokens)[0] if fake.tokens else DEFAULT_TOKEN
        )
