"""A host killed with SIGKILL mid-orchestration resumes every instance from SQLite."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from devhost.testing import spawn_host

APP = "conformance_app:app"
HERE = Path(__file__).resolve().parent
API = "/runtime/webhooks/durabletask"


def _wait_until(predicate, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_sigkill_while_waiting_on_activity_and_timer(tmp_path: Path) -> None:
    side_effects = tmp_path / "lines.txt"
    side_effects.touch()
    state = tmp_path / "state"
    # 10 hours of durable timer pass in one second.
    host = spawn_host(APP, state, time_scale=36_000, cwd=HERE)
    code = {"code": host.keys.system}
    try:
        response = httpx.post(
            f"{host.base_url}/api/start/crash_victim/victim-1",
            json={"path": str(side_effects)},
            headers=host.keys.function_headers(),
        )
        assert response.status_code == 202
        # "two" is written when the slow activity starts; the timer is armed in the same step.
        _wait_until(lambda: "two" in side_effects.read_text().split())
        status = httpx.get(f"{host.base_url}{API}/instances/victim-1", params=code).json()
        assert status["runtimeStatus"] == "Running"
    finally:
        host.kill()

    restarted = spawn_host(APP, state, time_scale=36_000, cwd=HERE)
    try:
        url = f"{restarted.base_url}{API}/instances/victim-1"
        _wait_until(lambda: httpx.get(url, params=code).status_code == 200)
        status = httpx.get(url, params=code).json()
    finally:
        restarted.stop()
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == ["one", "two", "three"]
    lines = side_effects.read_text().split()
    # Finished activities never run again; the one in flight at the kill ran at least once more.
    assert lines.count("one") == 1
    assert lines.count("two") == 2
    assert lines.count("three") == 1
