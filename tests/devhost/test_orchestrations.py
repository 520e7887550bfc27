"""Orchestration features through the HTTP API and the real SDK."""

from __future__ import annotations

from tests.devhost.conftest import Durable


def test_chaining(durable: Durable) -> None:
    links = durable.start("chaining", "Ann")
    status = durable.wait(links)
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == ["Hello Ann", "Hello Hello Ann", 42]
    assert status["name"] == "chaining"
    assert status["input"] == '"Ann"'
