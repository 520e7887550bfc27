"""The replay check fails where it should: a golden against a deliberately changed orchestrator.

The change swaps the activity `train_model` calls first (`build_archive` becomes
`delete_blobs`), the kind of edit that breaks every training in flight.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from activities import images
from devhost.replayer import Replayer, main
from orchestrators import train_model
from tests.replay.test_goldens import explain

HISTORIES = Path(__file__).parent / "histories" / "1.0"
WAITING = HISTORIES / "train_model_waiting_for_webhook.json"


@pytest.fixture
def swapped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(train_model, "build_archive", images.delete_blobs)


def test_a_swapped_activity_is_reported(swapped: None) -> None:
    result = Replayer.for_app("function_app:app").replay(WAITING)
    assert not result.ok
    assert result.orchestration == "train_model"
    difference = result.difference
    # Action #0 is the chat entity's reserve_training; the archive is the first activity.
    assert difference.position == 1
    assert difference.expected == "CallActivity build_archive"
    assert difference.got == "CallActivity delete_blobs"
    message = explain(result)
    assert "train_model" in message and "action #1" in message and "Use versioning" in message
    assert "in flight" in message and "context.version" in message


def test_the_cli_exits_non_zero_on_a_difference(
    swapped: None, capsys: pytest.CaptureFixture[str]
) -> None:
    other = HISTORIES / "upload_images.json"
    code = main(["--app", "function_app:app", str(WAITING), str(other)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"DIFF  {WAITING}: train_model" in out
    assert "the history has CallActivity build_archive" in out
    assert f"OK    {other}: upload_images" in out
    assert "2 histories replayed" in out and "1 differ" in out
