"""A whole chat flow that goes right logs no warning: neither ours nor the Functions SDKs'.

A warning should mean something to look at; one repeated per photo or per workflow step for a
healthy run hides the ones that do. Records are read as data (logger, level, message).
"""

from __future__ import annotations

import logging

import pytest

from tests.e2e.stack import Stack

# Ours (the trigger packages and the service's code) and the SDKs the app runs on.
WATCHED = (
    "activities",
    "api",
    "calendary",
    "entities",
    "orchestrators",
    "timers",
    "azure.functions",
    "azure.durable_functions",
)


def _watched(record: logging.LogRecord) -> bool:
    return any(record.name == p or record.name.startswith(f"{p}.") for p in WATCHED)


def test_a_healthy_flow_logs_nothing_at_warning_or_above(
    stack: Stack, chat_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    stack.upload(chat_id, [1, 2, 3, 4, 5, 6])
    started = stack.train(chat_id, triggerWord="TOK")
    assert stack.wait_training(chat_id, instance_id=started["instanceId"])["status"] == "succeeded"
    generated = stack.post(
        "GenerateImage",
        {"userId": chat_id, "trainingId": started["trainingId"], "prompt": "TOK at the sea"},
    )
    assert generated.status_code == 200, generated.text

    seen = [r for r in caplog.records if _watched(r)]
    # The capture works: the flow's own info lines are there (one per queued notification).
    assert any(r.name == "activities.notify" and r.levelno == logging.INFO for r in seen)
    loud = [(r.name, r.levelname, r.getMessage()) for r in seen if r.levelno >= logging.WARNING]
    assert loud == []
