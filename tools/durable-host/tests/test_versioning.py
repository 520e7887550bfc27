"""Orchestration versioning from host.json, with a host of its own per configuration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import APP, TIME_SCALE
from devhost.testing import RunningHost, running_host
from devhost.versioning import Versioning, compare_versions
from durable_client import Durable

WEBHOOK = "/runtime/webhooks/durabletask"
MISMATCH = "VersionMismatch: Orchestration version did not comply with Worker Versioning"


@pytest.fixture
def versioned_host(tmp_path: Path) -> Iterator[object]:
    def start(match: str, failure: str = "Fail", default: str = "2.0") -> Durable:
        config = {"version": "2.0", "extensions": {"durableTask": {
            "defaultVersion": default, "versionMatchStrategy": match,
            "versionFailureStrategy": failure}}}  # fmt: skip
        path = tmp_path / f"host-{match}-{failure}.json"
        path.write_text(json.dumps(config))
        context = running_host(APP, time_scale=TIME_SCALE, host_json=str(path))
        host = context.__enter__()
        opened.append(context)
        client = httpx.Client(base_url=host.base_url, timeout=30)
        clients.append(client)
        return Durable(client, host.keys)

    opened: list[object] = []
    clients: list[httpx.Client] = []
    yield start
    for client in clients:
        client.close()
    for context in opened:
        context.__exit__(None, None, None)  # type: ignore[attr-defined]


def _start(durable: Durable, name: str, version: str | None = None, body: object = None) -> dict:
    """Through the durable API, as the SDK's start_new does: the SDK's client keeps one aiohttp
    session for the whole process, bound to the shared host's event loop, not to this one's."""
    query = {"version": version} if version else {}
    response = durable.webhook("POST", f"{WEBHOOK}/orchestrators/{name}", params=query, json=body)
    assert response.status_code == 202, response.text
    return response.json()


def test_the_sdk_client_sends_the_version(host: RunningHost, durable: Durable) -> None:
    # The shared host reads the host.json of the folder it runs in: "0.1" is older than any.
    response = durable.api("POST", "/api/start/version_of", params={"version": "0.1"})
    assert durable.wait(response.json())["output"] == "0.1"
    default = host.engine.versioning.default_version
    assert durable.wait(durable.start("version_of"))["output"] == default


def test_default_version_and_sub_orchestrations(versioned_host) -> None:
    durable = versioned_host("None")
    status = durable.wait(_start(durable, "versioned"))
    # A child started without a version gets defaultVersion, not its parent's.
    assert status["output"] == {"own": "2.0", "child": "2.0", "pinned": "0.5"}
    status = durable.wait(_start(durable, "versioned", "1.5"))
    assert status["output"] == {"own": "1.5", "child": "2.0", "pinned": "0.5"}


def test_continue_as_new_keeps_the_version(versioned_host) -> None:
    durable = versioned_host("None")
    status = durable.wait(_start(durable, "monitor", "1.1", {"round": 0, "until": 2}))
    assert status["output"] == {"round": 2, "check": 4, "version": "1.1"}


def test_strict_fails_any_other_version(versioned_host) -> None:
    durable = versioned_host("Strict")
    assert durable.wait(_start(durable, "version_of"))["output"] == "2.0"
    for other in ("1.0", "3.0"):
        status = durable.wait(_start(durable, "version_of", other), showHistory="true",
                              showHistoryOutput="true")  # fmt: skip
        assert status["runtimeStatus"] == "Failed"
        assert status["output"] == MISMATCH
        assert status["historyEvents"][-1] == {
            "EventType": "ExecutionCompleted", "OrchestrationStatus": "Failed", "Result": None,
            "FailureDetails": {"ErrorType": "VersionMismatch",
                               "ErrorMessage": MISMATCH.split(": ", 1)[1], "StackTrace": None,
                               "InnerFailure": None, "IsNonRetriable": True},
            "Timestamp": status["historyEvents"][-1]["Timestamp"],
        }  # fmt: skip


def test_current_or_older_runs_older_and_fails_newer(versioned_host) -> None:
    durable = versioned_host("CurrentOrOlder")
    assert durable.wait(_start(durable, "version_of", "1.9"))["output"] == "1.9"
    newer = durable.wait(_start(durable, "version_of", "2.0.1"))
    assert (newer["runtimeStatus"], newer["output"]) == ("Failed", MISMATCH)


def test_reject_leaves_a_newer_instance_untouched(versioned_host) -> None:
    durable = versioned_host("CurrentOrOlder", failure="Reject")
    links = _start(durable, "version_of", "3.0")
    assert durable.wait(_start(durable, "version_of", "1.0"))["output"] == "1.0"
    status = durable.status(links, showHistory="true")
    assert status.status_code == 202
    assert status.json()["runtimeStatus"] == "Pending"
    assert "historyEvents" not in status.json()  # the extension shows no history while Pending


def test_version_comparison_follows_dtfx() -> None:
    assert compare_versions("1.10", "1.9") > 0  # System.Version, component by component
    assert compare_versions("10", "9") < 0  # one component is no System.Version: text
    assert compare_versions("", "1.0") < 0 and compare_versions(None, "") == 0
    assert compare_versions("V1.0", "v1.0") == 0
    assert Versioning("1.0", "CurrentOrOlder").accepts("") is True
    assert Versioning("", "Strict").accepts("9.9") is True  # no defaultVersion: no check
    with pytest.raises(ValueError):
        Versioning.from_host_json(
            {"extensions": {"durableTask": {"versionMatchStrategy": "Major"}}}
        )
