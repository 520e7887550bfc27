"""While a training runs, its `logs` webhooks show as a rising progress: every line in the chat
status, a few in the workflow's custom status."""

from __future__ import annotations

import itertools
import time

from tests.e2e.stack import Stack
from tools.fakes.replicate.config import Schedule


def test_chat_status_shows_a_rising_progress_and_marks_are_notified(
    stack: Stack, chat_id: str
) -> None:
    stack.change_settings(training_progress_notifications="25,50,75")
    stack.upload(chat_id, [1, 2, 3, 4, 5])
    stack.fake.fake.set_schedule(training=Schedule(starting=0.1, processing=1.8))
    started = stack.train(chat_id, steps=1000)
    seen: list[int] = []
    workflow: list[int] = []  # the custom status, as the monitor shows it
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        latest = stack.status(chat_id)["latestTraining"]
        if latest["progress"] is not None and (not seen or latest["progress"] != seen[-1]):
            seen.append(latest["progress"])
        custom = stack.instance(started["instanceId"]).get("customStatus") or {}
        if custom.get("progress") is not None and custom["progress"] not in workflow:
            workflow.append(custom["progress"])
        if latest["status"] == "succeeded":
            break
        time.sleep(0.05)
    stack.wait_instance(started["instanceId"])
    assert seen == sorted(seen) and seen[-1] == 100
    assert len([p for p in seen if 0 < p < 100]) >= 2, seen  # seen while it ran
    stack.wait_instance(started["instanceId"])
    workflow.append(stack.instance(started["instanceId"])["customStatus"]["progress"])
    assert workflow == sorted(workflow) and workflow[-1] == 100
    assert len([p for p in workflow if 0 < p < 100]) >= 2, workflow
    (row,) = stack.trainings(chat_id)
    # The row holds the last percent a logs webhook carried (the last lines may come only with
    # the terminal webhook); the status shows 100 once the training succeeded.
    assert row.progress is not None and 50 <= row.progress <= 100 and row.progress_at is not None

    kinds = [m["messageType"] for m in stack.messages(chat_id)]
    # Progress is queued by the webhook function, the rest by the workflow: only the ends are
    # ordered.
    assert (kinds[0], kinds[-1]) == ("upload_complete", "training_complete")
    assert sorted(kinds[1:-1]) == ["training_progress"] * 3 + ["training_started"]
    percents = [
        m["metadata"]["percent"] for m in stack.messages(chat_id) if m["metadata"].get("percent")
    ]
    assert percents == [25, 50, 75]

    # Logs webhooks come at most every 500 ms, as Replicate sends them; the workflow heard the
    # end and a few progress marks only.
    hooks = [h for h in stack.fake.fake.ledger.webhooks(job_id=started["trainingId"])]
    logs = [h.at for h in hooks if h.event == "logs"]
    assert 3 <= len(logs) <= 5, logs
    assert all(b - a >= 0.45 for a, b in itertools.pairwise(logs))
    history = stack.instance_family(started["instanceId"])[0]["historyEvents"]
    raised = [e.get("Name", "") for e in history if e["EventType"] == "EventRaised"]
    assert len([n for n in raised if n.startswith("ReplicateWebhook")]) == 1, raised
    assert 1 <= len([n for n in raised if n.startswith("ReplicateProgress")]) <= 9, raised


def test_progress_is_off_by_default(stack: Stack, chat_id: str) -> None:
    stack.upload(chat_id, [1, 2, 3, 4, 5])
    started = stack.train(chat_id)
    stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert "training_progress" not in [m["messageType"] for m in stack.messages(chat_id)]
    assert stack.status(chat_id)["latestTraining"]["progress"] == 100
