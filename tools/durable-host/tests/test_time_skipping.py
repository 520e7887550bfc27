"""The pytest plugin's clocks: time skips only when nothing but timers is pending."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from devhost.client import HostClient
from devhost.pytest_plugin import DurableHostFactory
from timers_app import app


def _fired(host: HostClient, instance_id: str) -> list[dict]:
    return [e for e in host.history(instance_id) if e["EventType"] == "TimerFired"]


def test_timers_are_skipped_and_history_shows_the_virtual_time(
    durable_host: DurableHostFactory,
) -> None:
    host = durable_host(app)
    before = host.now()
    began = time.monotonic()
    instance_id = host.start("two_timers")
    status = host.wait_for_completion(instance_id, history=True)
    assert time.monotonic() - began < 1
    assert status.output[0] >= 1 and status.output[1] >= 2
    assert status.last_updated_time - status.created_time >= timedelta(hours=2)
    assert host.now() - before >= timedelta(hours=2)
    history = status.history or []
    created = [e for e in history if e["EventType"] == "TimerCreated"]
    fired = [e for e in history if e["EventType"] == "TimerFired"]
    assert len(created) == len(fired) == 2
    for timer in fired:
        # Never delivered before its due time.
        assert datetime.fromisoformat(timer["Timestamp"]) >= datetime.fromisoformat(timer["FireAt"])


def test_time_does_not_skip_past_a_running_activity(durable_host: DurableHostFactory) -> None:
    host = durable_host(app)
    # Half a second of real work against a one-minute timer: the work must win.
    instance_id = host.start("slow_work_or_timeout", [0.5, 1])
    assert host.wait_for_completion(instance_id).output == "work"
    assert not _fired(host, instance_id)


def test_declared_outside_work_holds_the_clock(durable_host: DurableHostFactory) -> None:
    host = durable_host(app)
    replying = True
    host.hold_while(lambda: replying)
    instance_id = host.start("approval_or_timeout")
    host.wait_for(lambda: _created(host, instance_id))
    time.sleep(0.2)
    assert host.status(instance_id).runtime_status == "Running"
    host.raise_event(instance_id, "Approval", "ann")
    assert host.wait_for_completion(instance_id).output == {"approved_by": "ann"}
    replying = False
    other = host.start("approval_or_timeout")
    assert host.wait_for_completion(other).output == "expired"


def test_a_hold_lets_the_test_answer_before_the_timer(durable_host: DurableHostFactory) -> None:
    host = durable_host(app)
    with host.hold():
        instance_id = host.start("approval_or_timeout")
        host.wait_for(lambda: _created(host, instance_id))
        host.raise_event(instance_id, "Approval", "bob")
    assert host.wait_for_completion(instance_id).output == {"approved_by": "bob"}
    assert not _fired(host, instance_id)


def test_the_manual_clock_stands_between_two_timers(durable_host: DurableHostFactory) -> None:
    host = durable_host(app, clock="manual")
    instance_id = host.start("two_timers")
    host.wait_for(lambda: _created(host, instance_id))
    time.sleep(0.1)
    assert not _fired(host, instance_id)  # nothing jumps by itself
    host.advance(timedelta(minutes=90))
    status = host.status(instance_id)
    assert status.runtime_status == "Running"
    assert len(status.custom_status) == 1 and status.custom_status[0] >= 1
    # The second timer was set when the first fired (at +90 min), so it is due at +150 min.
    host.advance(timedelta(minutes=59))
    assert host.status(instance_id).runtime_status == "Running"
    host.advance(timedelta(minutes=1))
    done = host.status(instance_id)
    assert done.runtime_status == "Completed"
    assert done.output[0] >= 1.5 and done.output[1] >= 2.5


def _created(host: HostClient, instance_id: str) -> bool:
    return any(e["EventType"] == "TimerCreated" for e in host.history(instance_id))
