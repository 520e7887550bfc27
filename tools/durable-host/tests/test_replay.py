"""Replay checks: histories exported from the host replay against the code that made them, and a
changed orchestrator is reported at its first differing action, in both history shapes."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from devhost import export
from devhost.replayer import Replayer, main
from devhost.testing import RunningHost
from durable_client import Durable

STATUS_NUMBERS = {"Running": 0, "Completed": 1, "ContinuedAsNew": 2, "Failed": 3, "Terminated": 5}
CHANGED = {
    "chaining": "action #1 differs: the history has CallActivity say_hello, "
    "the code now schedules CallActivity double",
    "race": "action #0 differs: the history has CreateTimer, "
    "the code now schedules CallActivity say_hello",
    "parent": "action #0 differs: the history has CallSubOrchestrator chaining, "
    "the code now schedules CallSubOrchestrator counting",
    "retrying": "action #1 is missing: the history has CreateTimer, "
    "the code no longer schedules it",
    "forever": "the code now schedules CallActivity say_hello as action #0, "
    "which the history never recorded",
    "failing": "the history ends Failed, the code now ends Completed",
    "with_status": "the orchestrator raised during replay: broken during replay",
    "counter_user": "action #1 differs: the history has CallEntity counter.get, "
    "the code now schedules CallEntity counter.read",
}
INPUTS: dict[str, Any] = {
    "chaining": "replay",
    "race": 2,
    "parent": None,
    "retrying": {"max": 3, "succeed_on": 2},
    "forever": None,
    "failing": "x",
    "with_status": None,
    "counter_user": None,
    "by_version": None,
}


@pytest.fixture(scope="module")
def recorded(
    host: RunningHost, http: httpx.Client, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """One exported history per orchestration, finished or (forever, with_status) waiting."""
    durable = Durable(http, host.keys)
    folder = tmp_path_factory.mktemp("histories")
    tag = uuid.uuid4().hex[:8]
    paths: dict[str, Path] = {}
    for name, value in INPUTS.items():
        if name == "retrying":
            value = {**value, "key": f"replay-{tag}"}
        elif name == "counter_user":
            value = f"replay-{tag}"
        links = durable.start(name, value, f"replay-{name}-{tag}")
        if name in ("forever", "with_status"):
            durable.wait_for(links, lambda s: s.get("historyEvents"))
        else:
            durable.wait(links)
        paths[name] = folder / f"{name}.json"
        document = export.from_host(host.base_url, links["id"])
        paths[name].write_text(json.dumps(document), encoding="utf-8")
    return paths


def earlier_shape(document: dict[str, Any]) -> dict[str, Any]:
    """The host's shape before the extension's: results as JSON text, status numbers."""
    events = []
    for event in document["historyEvents"]:
        event = dict(event)
        if event["EventType"] == "ExecutionStarted":
            event |= {"OrchestrationInstance": {"InstanceId": document["instanceId"]},
                      "Version": "", "Tags": None}  # fmt: skip
        if "Result" in event and event["EventType"] != "TaskFailed":
            event["Result"] = json.dumps(event["Result"])
        if "OrchestrationStatus" in event:
            event["OrchestrationStatus"] = STATUS_NUMBERS[event["OrchestrationStatus"]]
        events.append(event)
    return {**document, "historyEvents": events}


def test_histories_replay_against_the_code_that_made_them(
    host: RunningHost, recorded: dict[str, Path], tmp_path: Path
) -> None:
    replayer = Replayer(host.engine.index)
    for path in recorded.values():
        assert replayer.replay(path).ok, replayer.replay(path).line()
        older = tmp_path / path.name
        older.write_text(json.dumps(earlier_shape(json.loads(path.read_text()))))
        assert replayer.replay(older).ok, replayer.replay(older).line()


@pytest.mark.parametrize("name", sorted(CHANGED))
def test_a_changed_orchestrator_is_reported(recorded: dict[str, Path], name: str) -> None:
    result = Replayer.for_app("replay_changed_app:app").replay(recorded[name])
    assert not result.ok
    assert result.orchestration == name
    assert result.difference.describe() == CHANGED[name]


def test_the_version_given_is_the_one_the_code_sees(recorded: dict[str, Path]) -> None:
    # The history JSON drops ExecutionStarted.Version, so the replay takes it as an argument.
    replayer = Replayer.for_app("conformance_app:app")
    assert replayer.replay(recorded["by_version"], version="").ok
    newer = replayer.replay(recorded["by_version"], version="2.0")
    assert newer.difference.describe() == (
        "action #0 differs: the history has CallActivity say_hello, "
        "the code now schedules CallActivity double"
    )


def test_both_shapes_report_the_same_difference(recorded: dict[str, Path], tmp_path: Path) -> None:
    older = tmp_path / "chaining.json"
    older.write_text(json.dumps(earlier_shape(json.loads(recorded["chaining"].read_text()))))
    result = Replayer.for_app("replay_changed_app:app").replay(older)
    assert result.difference.describe() == CHANGED["chaining"]
    assert (result.difference.position, result.difference.got) == (1, "CallActivity double")


def test_the_cli_exports_and_replays(
    host: RunningHost, recorded: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance_id = json.loads(recorded["chaining"].read_text())["instanceId"]
    out = tmp_path / "exported.json"
    assert export.main([instance_id, "--url", host.base_url, "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(recorded["chaining"].read_text())
    assert main(["--app", "conformance_app:app", str(out)]) == 0
    assert main(["--app", "replay_changed_app:app", str(out)]) == 1
    printed = capsys.readouterr().out
    assert f"OK    {out}: chaining (5 events)" in printed
    assert f"DIFF  {out}: chaining (5 events): {CHANGED['chaining']}" in printed
    assert export.main(["no-such-instance", "--url", host.base_url]) == 1
