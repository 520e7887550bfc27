"""The committed golden histories still replay against the orchestrators as they are now.

Each golden stands for an instance in flight when a change is deployed. A change that makes one
differ would fail those instances in Azure (a non-determinism error), so it fails here first.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from devhost.replayer import Replayer, ReplayResult

HERE = Path(__file__).parent
# One folder per orchestration version the goldens were recorded with: an older version's
# goldens stay until no instance of that version can be in flight (docs/operations.md).
ROOT = HERE / "histories"
HISTORIES = sorted(ROOT.glob("*/*.json"))
# Each golden's orchestration version (written by record.py): the JSON itself drops it.
VERSIONS: dict[str, str] = json.loads((HERE / "golden_versions.json").read_text())


def key(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# Telegram file links carry the bot token after /bot; SAS links carry their signature in sig=.
SECRETS = re.compile(r"/bot\d+:[A-Za-z0-9_-]+|[?&]sig=")


@pytest.fixture(scope="module")
def replayer() -> Replayer:
    return Replayer.for_app("function_app:app")


def explain(result: ReplayResult) -> str:
    return (
        f"{result.orchestration} no longer replays {result.path}: {result.difference.describe()}.\n"
        "Changing an orchestrator this way breaks the instances already in flight: they replay "
        "their history against the new code and fail (a non-determinism error). Use versioning "
        "(a new version in host.json, branching on context.version) or make a replay-compatible "
        "change; re-record the goldens (python -m tests.replay.record) only for an intended, "
        "versioned change. See docs/operations.md, 'Replay checks'."
    )


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_orchestration_has_goldens(version: str) -> None:
    mine = [p for p in HISTORIES if VERSIONS[key(p)] == version]
    names = {p.stem.split("_waiting")[0] for p in mine}
    for name in ("upload_images", "fetch_one_image", "train_model", "generate_image"):
        assert name in names
    assert len(mine) >= 8


@pytest.mark.parametrize("path", HISTORIES, ids=key)
def test_golden_replays(replayer: Replayer, path: Path) -> None:
    result = replayer.replay(path, VERSIONS[key(path)])
    assert result.ok, explain(result)


@pytest.mark.parametrize("path", HISTORIES, ids=key)
def test_golden_holds_no_secret(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not SECRETS.search(text), f"{path.name} holds a secret: {SECRETS.search(text)[0]}"
