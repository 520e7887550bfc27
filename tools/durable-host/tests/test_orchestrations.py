"""Orchestration features through the HTTP API and the real SDK."""

from __future__ import annotations

from durable_client import Durable


def test_chaining(durable: Durable) -> None:
    links = durable.start("chaining", "Ann")
    status = durable.wait(links)
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == ["Hello Ann", "Hello Hello Ann", 42]
    assert status["name"] == "chaining"
    assert status["input"] == '"Ann"'


def test_fan_out_of_50_runs_in_parallel(durable: Durable) -> None:
    # Each activity waits on a 50-party barrier: this completes only if all 50 run at once.
    status = durable.wait(durable.start("fan_out", 50), timeout=60)
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == sum(range(50))


def test_retry_succeeds_on_third_attempt(durable: Durable) -> None:
    links = durable.start("retrying", {"key": "third", "succeed_on": 3, "max": 5})
    status = durable.wait(links, showHistory="true")
    assert status["output"] == {"attempts": 3, "after": "Hello after"}
    kinds = [e["EventType"] for e in status["historyEvents"]]
    assert kinds.count("TaskFailed") == 2
    assert kinds.count("TimerFired") == 2


def test_retry_exhausts_attempts(durable: Durable) -> None:
    links = durable.start("retrying", {"key": "never", "succeed_on": 99, "max": 2})
    status = durable.wait(links, showHistory="true")
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {
        "failed": "Activity function 'flaky' failed: RuntimeError: attempt 2 failed"
    }
    kinds = [e["EventType"] for e in status["historyEvents"]]
    # Two attempts, and a timer after each failure (DTFx waits one extra timer before giving up).
    assert kinds.count("TaskFailed") == 2
    assert kinds.count("TimerFired") == 2


def test_timer_wins_race_and_clock_skips_ahead(durable: Durable) -> None:
    status = durable.wait(durable.start("race", 2))
    assert status["output"]["winner"] == "timer"
    assert status["output"]["elapsedHours"] >= 2


def test_event_wins_race(durable: Durable) -> None:
    links = durable.start("race", 24 * 30)
    durable.wait_for(
        links, lambda s: any(e["EventType"] == "TimerCreated" for e in s["historyEvents"])
    )
    assert durable.raise_event(links, "Approval", {"by": "ann"}).status_code == 202
    status = durable.wait(links)
    assert status["output"] == {"winner": "event", "value": {"by": "ann"}}


def test_event_raised_before_the_wait_is_buffered(durable: Durable) -> None:
    links = durable.start("event_first")
    assert durable.raise_event(links, "Go", "go-value").status_code == 202
    assert durable.raise_event(links, "Ready", "ready-value").status_code == 202
    status = durable.wait(links)
    assert status["output"] == ["ready-value", "go-value"]


def test_early_events_answer_every_later_wait_like_azure(durable: Durable) -> None:
    # azure-functions-durable-python#507: the extension appends an event at once; the SDK keeps
    # one that came before its wait (the last one of that name) and hands it to every later wait.
    links = durable.start("early_events")
    assert durable.raise_event(links, "Go", "early-1").status_code == 202
    assert durable.raise_event(links, "Go", "early-2").status_code == 202
    assert durable.raise_event(links, "Start", None).status_code == 202
    status = durable.wait(links, showHistory="true")
    assert status["output"] == ["early-2", "early-2"]
    raised = [e["Name"] for e in status["historyEvents"] if e["EventType"] == "EventRaised"]
    assert raised == ["Go", "Go", "Start"]


def test_events_of_one_name_are_delivered_in_order(durable: Durable) -> None:
    links = durable.start("collect", 3)
    for value in (1, 2, 3):
        assert durable.raise_event(links, "Item", value).status_code == 202
    assert durable.wait(links)["output"] == [1, 2, 3]


def test_python_client_raise_event_is_double_encoded_like_production(
    durable: Durable,
) -> None:
    links = durable.start("collect", 1)
    response = durable.api("POST", f"/api/events/{links['id']}/Item", json={"a": 1})
    assert response.status_code == 202
    # Issue azure-functions-durable-python#295: the orchestrator receives the JSON text.
    assert durable.wait(links)["output"] == ['{"a": 1}']


def test_sub_orchestrations(durable: Durable) -> None:
    links = durable.start("parent")
    status = durable.wait(links)
    assert status["runtimeStatus"] == "Completed", status
    assert status["output"] == {
        "named": ["Hello child", "Hello Hello child", 42],
        "unnamed": ["Hello anon", "Hello Hello anon", 42],
        "retried": 2,
        "failure": "Orchestrator function 'failing' failed: bad input boom",
    }
    child = durable.webhook(
        "GET", f"/runtime/webhooks/durabletask/instances/{links['id']}-child"
    ).json()
    assert child["runtimeStatus"] == "Completed"


def test_continue_as_new(durable: Durable) -> None:
    status = durable.wait(durable.start("counting", {"n": 0, "seen": []}))
    assert status["output"] == {"n": 3, "seen": [0, 2, 4]}


def test_custom_status(durable: Durable) -> None:
    links = durable.start("with_status")
    durable.wait_for(links, lambda s: s["customStatus"] == {"stage": "waiting"})
    durable.raise_event(links, "Continue", "value")
    status = durable.wait(links)
    assert status["customStatus"] == {"stage": "done"}
    assert status["output"] == "value"


def test_failure(durable: Durable) -> None:
    status = durable.wait(durable.start("failing", 7))
    assert status["runtimeStatus"] == "Failed"
    assert status["output"] == "Orchestrator function 'failing' failed: bad input 7"


def test_terminate_then_events_are_gone(durable: Durable) -> None:
    links = durable.start("forever")
    durable.wait_for(links, lambda s: s["runtimeStatus"] == "Running")
    url = links["terminatePostUri"].replace("{text}", "no longer needed")
    assert durable.http.post(url).status_code == 202
    status = durable.wait(links)
    assert status["runtimeStatus"] == "Terminated"
    assert status["output"] == "no longer needed"
    assert durable.raise_event(links, "Never", 1).status_code == 410
    assert durable.http.post(url).status_code == 410


def test_purge_one_and_by_filter(durable: Durable) -> None:
    links = durable.start("chaining", "purge-me")
    durable.wait(links)
    response = durable.http.delete(links["purgeHistoryDeleteUri"])
    assert response.json() == {"instancesDeleted": 1}
    assert durable.status(links).status_code == 404
    assert durable.http.delete(links["purgeHistoryDeleteUri"]).status_code == 404

    first = durable.start("chaining", "a", instance_id="purge-filter-1")
    second = durable.start("chaining", "b", instance_id="purge-filter-2")
    durable.wait(first)
    durable.wait(second)
    response = durable.webhook(
        "DELETE",
        "/runtime/webhooks/durabletask/instances/",
        params={"createdTimeFrom": "2000-01-01T00:00:00Z", "instanceIdPrefix": "purge-filter-"},
    )
    assert response.json() == {"instancesDeleted": 2}
    assert durable.status(first).status_code == 404


def test_unknown_instance_is_404(durable: Durable) -> None:
    response = durable.webhook("GET", "/runtime/webhooks/durabletask/instances/no-such-instance")
    assert response.status_code == 404
    assert response.content == b""


def test_start_unknown_orchestrator_is_400(durable: Durable) -> None:
    response = durable.webhook("POST", "/runtime/webhooks/durabletask/orchestrators/nope")
    assert response.status_code == 400
    assert "doesn't exist" in response.json()["ExceptionMessage"]


def test_unknown_activity_fails_the_orchestration(durable: Durable) -> None:
    status = durable.wait(durable.start("calls_missing"))
    assert status["runtimeStatus"] == "Failed"
    assert "'no_such_activity' doesn't exist" in status["output"]


def test_duplicate_event_beyond_the_waits_is_not_replayed(durable: Durable) -> None:
    links = durable.start("collect", 1)
    durable.raise_event(links, "Item", "first")
    durable.raise_event(links, "Item", "duplicate")
    assert durable.wait(links)["output"] == ["first"]
