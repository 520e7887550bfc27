"""Test helper: the fake Telegram served on an ephemeral loopback port in a thread."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from calendary.settings import Settings
from fakes.replicate.testing import serve_app
from fakes.telegram.app import DEFAULT_TOKEN, FakeTelegram


@dataclass
class RunningTelegram:
    fake: FakeTelegram
    base_url: str  # the value for TelegramApiBaseUrl
    token: str

    def settings(self, **overrides: Any) -> Settings:
        """Settings that deliver to this fake (other values default; overrides by field name)."""
        values: dict[str, Any] = {
            "telegram_bot_token": SecretStr(self.token),
            "telegram_api_base_url": self.base_url,
            **overrides,
        }
        return Settings(_env_file=None, **values)


@contextlib.contextmanager
def running_telegram(fake: FakeTelegram | None = None) -> Iterator[RunningTelegram]:
    fake = fake or FakeTelegram()
    with serve_app(fake.app) as origin:
        yield RunningTelegram(
            fake, origin, sorted(fake.tokens)[0] if fake.tokens else DEFAULT_TOKEN
        )
