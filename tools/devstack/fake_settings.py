"""Service settings aimed at a running fake: the one place tooling ties the fakes to the product.

The fakes know nothing of the service; tests, benches and the stack build settings from a fake's
address and token here.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from calendary.settings import Settings
from tools.fakes.replicate.testing import RunningFake
from tools.fakes.telegram.testing import RunningTelegram


def replicate_settings(fake: RunningFake, **overrides: Any) -> Settings:
    """Settings pointing at this fake Replicate (other values default; overrides by field name)."""
    values: dict[str, Any] = {
        "replicate_base_url": fake.base_url,
        "replicate_api_key": SecretStr(fake.api_key),
        **overrides,
    }
    return Settings(**values)


def telegram_settings(telegram: RunningTelegram, **overrides: Any) -> Settings:
    """Settings that deliver to this fake Telegram (other values default; overrides by name)."""
    values: dict[str, Any] = {
        "telegram_bot_token": SecretStr(telegram.token),
        "telegram_api_base_url": telegram.base_url,
        **overrides,
    }
    return Settings(_env_file=None, **values)
