"""host.json: the choices docs/host-json.md explains, so a careless edit fails loudly."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = json.loads((ROOT / "host.json").read_text())
DOC = (ROOT / "docs" / "host-json.md").read_text()


def _leaf_keys(node: object, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    if not isinstance(node, dict):
        return {path}
    keys: set[tuple[str, ...]] = set()
    for key, value in node.items():
        keys |= _leaf_keys(value, (*path, key))
    return keys


def test_every_setting_is_explained_in_the_doc() -> None:
    for path in _leaf_keys(HOST):
        assert f"`{path[-1]}`" in DOC, ".".join(path)


def test_notification_queue_is_base64_and_goes_to_poison_after_five_tries() -> None:
    queues = HOST["extensions"]["queues"]
    assert queues["messageEncoding"] == "base64"
    assert queues["maxDequeueCount"] == 5
    assert "Base64" in DOC


def test_warnings_and_errors_are_never_sampled_away() -> None:
    sampling = HOST["logging"]["applicationInsights"]["samplingSettings"]
    excluded = set(sampling["excludedTypes"].split(";"))
    assert {"Exception", "Trace"} <= excluded


def test_durable_hub_and_limits() -> None:
    durable = HOST["extensions"]["durableTask"]
    assert durable["hubName"].isalnum()  # task hub names: letters and digits only
    assert durable["tracing"]["traceInputsAndOutputs"] is False  # inputs may carry file URLs
    assert durable["maxConcurrentActivityFunctions"] in range(1, 101)
    assert durable["maxConcurrentOrchestratorFunctions"] in range(1, 101)
    assert HOST["extensionBundle"]["version"] == "[4.*, 5.0.0)"
