"""What `make run` runs, on free ports instead of 7071-7073: it answers, and it stops completely."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import psutil
import pytest

from tools.devstack import azurite, photos
from tools.devstack.stack import LocalStack, Ports, StackError, host_keys, local_environment


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def ports() -> Ports:
    return Ports(host=_free_port(), replicate=_free_port(), photos=_free_port())


@pytest.fixture
def listener() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_stack_serves_the_api_and_stops_every_process(
    ports: Ports, tmp_path: Path, azurite_ports: azurite.StoragePorts
) -> None:
    log = tmp_path / "stack.log"
    with log.open("wb") as output:
        stack = LocalStack(
            replace(ports, storage=azurite_ports), output=output, state_dir=tmp_path / "state"
        )
        stack.start()
        try:
            pids = [c.pid for c in stack.children.values()]
            assert stack.reused_azurite  # the session's Azurite listens already
            with httpx.Client(timeout=10) as http:
                assert http.get(f"{ports.api}/api/health").json()["data"] == {"status": "ok"}
                assert http.get(f"{ports.api}/api/openapi.json").json()["openapi"].startswith("3.")
                assert http.get(f"{ports.api}/monitor").status_code == 401  # as Azure: a key
                monitor = {"code": host_keys().system}
                assert http.get(f"{ports.api}/monitor", params=monitor).status_code == 200
                token = {"Authorization": "Bearer r8_local_fake_token"}
                fake = http.get(f"http://127.0.0.1:{ports.replicate}/v1/account", headers=token)
                assert fake.json()["username"] == "local"
                image = http.get(f"http://127.0.0.1:{ports.photos}{photos.photo_path(3)}")
                assert image.headers["content-type"] == "image/jpeg"
                assert image.content == photos.photo(3)
                assert (
                    http.get(f"http://127.0.0.1:{ports.photos}/file/botX/a.jpg").status_code == 404
                )
            assert f"Azurite on {azurite_ports} (already running: reused)" in stack.banner()
        finally:
            stack.stop()
    assert (tmp_path / "state" / "state.db").exists()  # file-backed: workflows survive restarts
    assert not [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
    for port in (ports.host, ports.replicate, ports.photos):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0
    assert photos.BOT_TOKEN.split(":")[1] not in log.read_text()


def test_a_busy_port_is_refused_before_anything_starts(listener: int) -> None:
    stack = LocalStack(Ports(host=listener, replicate=_free_port(), photos=_free_port()))
    with pytest.raises(StackError, match=f"127.0.0.1:{listener} already in use"):
        stack.start()
    assert stack.children == {}


def test_environment_then_local_settings_then_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "local.settings.json"
    settings.write_text(json.dumps({"Values": {"ReplicateOwner": "from-file"}}))
    monkeypatch.setenv("ImageUrlAllowedHosts", "example.org")
    monkeypatch.delenv("ReplicateOwner", raising=False)
    monkeypatch.delenv("WebhookUrl", raising=False)
    monkeypatch.delenv("AzureWebJobsStorage", raising=False)
    env = local_environment(Ports(host=8001, replicate=8002), settings)
    assert env["ImageUrlAllowedHosts"] == "example.org"
    assert "ReplicateOwner" not in env  # the host applies local.settings.json itself
    assert env["WebhookUrl"] == "http://127.0.0.1:8001/api/ReplicateWebHook"
    assert env["ReplicateBaseUrl"] == "http://127.0.0.1:8002/v1"
    assert env["AzureWebJobsStorage"] == azurite.CONNECTION_STRING
