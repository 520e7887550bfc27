"""The monitor's "Export history" button downloads a file the replay check reads."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from devhost.replayer import Replayer
from devhost.testing import RunningHost
from durable_client import Durable
from test_monitor import browser, page, row  # noqa: F401  (fixtures shared with the page tests)


def test_export_history_downloads_a_replayable_history(
    page: Page,  # noqa: F811
    durable: Durable,
    host: RunningHost,
    tmp_path: Path,
) -> None:
    instance_id = f"export-{uuid.uuid4().hex[:8]}"
    done = durable.wait(durable.start("chaining", "export", instance_id))
    assert done["runtimeStatus"] == "Completed"
    page.locator("#refresh").click()
    row(page, instance_id).click()
    expect(page.locator("#detail-id")).to_have_text(instance_id)
    with page.expect_download() as info:
        page.locator("#export-history").click()
    download = info.value
    assert download.suggested_filename == f"chaining-{instance_id}.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = json.loads(saved.read_text())
    assert document["instanceId"] == instance_id
    assert [e["EventType"] for e in document["historyEvents"]][:2] == [
        "ExecutionStarted",
        "TaskCompleted",
    ]
    assert "Result" in document["historyEvents"][1] and "Input" in document["historyEvents"][1]
    assert Replayer(host.engine.index).replay(saved).ok
