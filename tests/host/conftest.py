"""Markers of the host tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "install: builds a fresh virtual environment and pip-installs the host package into it "
        "(about half a minute; deselect with -m 'not install')",
    )
