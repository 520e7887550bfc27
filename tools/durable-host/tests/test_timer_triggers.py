"""Timer triggers: NCRONTAB schedules, run_on_startup, the schedule monitor and past-due runs,
the admin API's manual run, and durable client bindings on timer and activity functions."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

import timer_trigger_app
from devhost.ncrontab import Schedule, ScheduleError
from devhost.testing import running_host

APP = "timer_trigger_app:app"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 */5 * * * *", "2025-01-14T10:31:07", "2025-01-14T10:35:00"),
        ("0 30 9 * * *", "2025-01-14T10:00:00", "2025-01-15T09:30:00"),
        ("0 0 3 * * Sun", "2025-01-14T10:00:00", "2025-01-19T03:00:00"),  # a Sunday
        ("0 0 0 1 Mar *", "2025-03-01T00:00:00", "2026-03-01T00:00:00"),
        ("5/15 0 12 * * 1-5", "2025-01-18T00:00:00", "2025-01-20T12:00:05"),  # Saturday → Monday
        ("0 0 0 29 2 *", "2025-01-01T00:00:00", "2028-02-29T00:00:00"),
        ("10,40 1-2 * * * *", "2025-01-14T10:01:40", "2025-01-14T10:02:10"),
    ],
)
def test_next_occurrence(expression: str, after: str, expected: str) -> None:
    assert Schedule.parse(expression).next_after(at(after)) == at(expected)


@pytest.mark.parametrize("expression", ["* * * * *", "0 60 * * * *", "0 0 0 0 * *", "x * * * * *"])
def test_bad_schedules_are_refused(expression: str) -> None:
    with pytest.raises(ScheduleError):
        Schedule.parse(expression)


@pytest.fixture(autouse=True)
def clean_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SweepSchedule", "0 0 3 * * *")
    timer_trigger_app.CALLS.clear()
    yield
    timer_trigger_app.CALLS.clear()


def wait_until(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("timed out")


def sweeps() -> list[dict[str, object]]:
    return [c for c in timer_trigger_app.CALLS if "id" in c]


def test_schedule_startup_and_manual_runs() -> None:
    with running_host(APP) as host:
        # run_on_startup, then every second on the NCRONTAB schedule (no monitor below 1 min)
        wait_until(lambda: len([c for c in timer_trigger_app.CALLS if "every_second" in c]) >= 2)
        assert not sweeps()  # 03:00 daily: not at startup
        master = {"x-functions-key": host.keys.master}
        answer = httpx.post(
            f"{host.base_url}/admin/functions/sweep", json={"input": ""}, headers=master
        )
        assert answer.status_code == 202
        call = wait_until(sweeps)[0]
        assert call["past_due"] is False
        status = httpx.get(
            f"{host.base_url}/runtime/webhooks/durabletask/instances/{call['id']}", headers=master
        )
        wait_until(
            lambda: httpx.get(status.url, headers=master).json()["runtimeStatus"] == "Completed"
        )
        output = httpx.get(status.url, headers=master).json()["output"]
        assert output == {"past_due": False, "instances": 1}  # the activity's client saw it
        missing = httpx.post(
            f"{host.base_url}/admin/functions/nope", json={"input": ""}, headers=master
        )
        assert missing.status_code == 404


def test_missed_occurrence_runs_past_due_after_restart(tmp_path: Path) -> None:
    database = str(tmp_path / "state.db")
    status_file = tmp_path / "timers" / "sweep.json"
    with running_host(APP, database=database) as host:
        master = {"x-functions-key": host.keys.master}
        httpx.post(f"{host.base_url}/admin/functions/sweep", json={"input": ""}, headers=master)
        wait_until(sweeps)
        wait_until(status_file.exists)
    status = json.loads(status_file.read_text())
    assert at(status["Next"][:19]).hour == 3
    # The host was down over the next occurrence: it runs at start, past due.
    status["Next"] = "2020-01-01T03:00:00.0000000Z"
    status_file.write_text(json.dumps(status))
    timer_trigger_app.CALLS.clear()
    with running_host(APP, database=database):
        call = wait_until(sweeps)[0]
        assert call["past_due"] is True
        assert call["status"]["Next"] == "2020-01-01T03:00:00.0000000Z"
    assert at(json.loads(status_file.read_text())["Last"][:19]) == at("2020-01-01T03:00:00")
