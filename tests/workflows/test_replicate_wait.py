"""Every branch of the Replicate wait (`orchestrators/replicate_wait.py`), in milliseconds.

Replayed through the SDK (history in, actions out) rather than the in-process host: the wait is
all about *which* timer, event wait, check or cancel is scheduled and in what order, which the
actions show exactly, while the host fixture would only show the end (and speaks HTTP on
loopback, with a server thread per test). The wait runs inside a three-line orchestrator of the
test's own, so each case starts at the wait; the orchestrators' own tests cover how they call it.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df
import pytest

from activities.replicate_predictions import cancel_prediction, check_prediction
from orchestrators.replicate_wait import PROGRESS_MARKS, await_replicate_job
from tests.workflows.replay import T0, Replay, Work
from tests.workflows.steps import labels, only

JOB = "p1"
EVENT = f"ReplicateWebhook-{JOB}"
TIMEOUT = timedelta(minutes=10)


def waiting(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    spec = context.get_input()

    def show(percent: int) -> None:
        context.set_custom_status({"progress": percent})

    job = yield from await_replicate_job(
        context,
        check_activity=check_prediction,
        cancel_activity=cancel_prediction,
        job_id=JOB,
        timeout=TIMEOUT,
        max_checks=spec["max_checks"],
        on_progress=show if spec["progress"] else None,
    )
    return job.model_dump(mode="json", exclude_none=True)


HANDLE = df.Orchestrator.create(waiting)


def begin(max_checks: int = 3, progress: bool = False) -> tuple[Replay, Work]:
    run = Replay(HANDLE, {"max_checks": max_checks, "progress": progress})
    return run, wait_round(run.run(), progress=progress)


def wait_round(works: list[Work], progress: bool = False) -> Work:
    """One round of the wait: the job's event raced against a timer; the timer comes back."""
    marks = [f"event ReplicateProgress-{JOB}-{m}" for m in PROGRESS_MARKS] if progress else []
    assert labels(works) == [f"event {EVENT}", "timer timer", *marks]
    return works[1]


def check_after(run: Replay, timer: Work) -> Work:
    run.fire(timer)
    check = only(run.run(), "activity check_prediction")
    assert check.input == {"id": JOB}
    assert check.max_attempts == 6  # policies.REPLICATE
    return check


def test_the_webhook_ends_the_wait_with_no_check() -> None:
    run, timer = begin()
    assert timer.fire_at == T0 + TIMEOUT
    run.raise_event(EVENT, {"id": JOB, "status": "succeeded", "output_url": "https://x/o.png"})
    assert run.run() == []
    assert run.output == {"id": JOB, "status": "succeeded", "output_url": "https://x/o.png"}


def test_the_webhook_as_json_text_is_read_too() -> None:
    run, _ = begin()
    run.raise_event(EVENT, '{"id": "p1", "status": "failed", "error": "nsfw"}')
    run.run()
    assert run.output == {"id": JOB, "status": "failed", "error": "nsfw"}


def test_an_event_that_is_not_a_terminal_job_of_this_id_is_checked() -> None:
    for payload in (
        {"id": "other", "status": "succeeded"},  # another job's state
        {"id": JOB, "status": "processing"},  # not an end
        {"hello": "raised by hand"},  # no job at all
    ):
        run, _ = begin()
        run.raise_event(EVENT, payload)
        check = only(run.run(), "activity check_prediction")
        run.complete(check, {"id": JOB, "status": "canceled"})
        run.run()
        assert run.output == {"id": JOB, "status": "canceled"}, payload


def test_a_timeout_checks_and_a_running_job_is_waited_for_again() -> None:
    run, timer = begin()
    check = check_after(run, timer)
    run.complete(check, {"id": JOB, "status": "processing"})
    second = wait_round(run.run())
    assert second.fire_at == T0 + 2 * TIMEOUT  # a new timer, from the moment of the check
    run.raise_event(EVENT, {"id": JOB, "status": "succeeded"})
    assert run.run() == []
    assert run.output == {"id": JOB, "status": "succeeded"}


def test_a_check_that_finds_the_job_ended_returns_it() -> None:
    run, timer = begin()
    check = check_after(run, timer)
    run.complete(check, {"id": JOB, "status": "failed", "error": "CUDA out of memory"})
    assert run.run() == []
    assert run.output == {"id": JOB, "status": "failed", "error": "CUDA out of memory"}


def test_a_check_whose_retries_run_out_only_means_waiting_on() -> None:
    run, timer = begin()
    check = check_after(run, timer)
    run.exhaust(check)
    wait_round(run.run())
    assert not run.done and run.error is None


def test_after_the_last_check_the_job_is_cancelled_and_reported_timed_out() -> None:
    run, timer = begin(max_checks=2)
    run.complete(check_after(run, timer), {"id": JOB, "status": "starting"})
    timer = wait_round(run.run())
    run.complete(check_after(run, timer), {"id": JOB, "status": "processing"})
    cancel = only(run.run(), "activity cancel_prediction")
    assert cancel.input == {"id": JOB}
    run.complete(cancel, {"id": JOB, "status": "canceled"})
    run.run()
    assert run.output == {
        "id": JOB,
        "status": "timed_out",
        "error": "no result from Replicate in time",
    }


def test_a_cancel_that_finds_it_succeeded_reports_the_success() -> None:
    run, timer = begin(max_checks=1)
    run.complete(check_after(run, timer), {"id": JOB, "status": "processing"})
    cancel = only(run.run(), "activity cancel_prediction")
    run.complete(cancel, {"id": JOB, "status": "succeeded", "output_url": "https://x/o.png"})
    run.run()
    assert run.output == {"id": JOB, "status": "succeeded", "output_url": "https://x/o.png"}


def test_a_cancel_that_cannot_reach_replicate_still_reports_timed_out() -> None:
    run, timer = begin(max_checks=1)
    run.exhaust(check_after(run, timer))
    cancel = only(run.run(), "activity cancel_prediction")
    run.exhaust(cancel)
    run.run()
    assert run.output["status"] == "timed_out"


def test_progress_events_are_shown_and_the_same_wait_goes_on() -> None:
    run, timer = begin(progress=True)
    run.raise_event(f"ReplicateProgress-{JOB}-30", {"percent": 37})
    assert run.run() == []  # nothing scheduled: the same timer and event still race
    assert run.custom_status == {"progress": 37}
    run.raise_event(f"ReplicateProgress-{JOB}-20", {"percent": 25})  # lower: no longer awaited
    run.raise_event(f"ReplicateProgress-{JOB}-50", '{"percent": "junk"}')
    assert run.run() == []
    assert run.custom_status == {"progress": 50}  # an unreadable percent counts as its mark
    run.fire(timer)
    check = only(run.run(), "activity check_prediction")
    run.complete(check, {"id": JOB, "status": "processing"})
    # The next round waits only for the marks still ahead, made once and kept.
    assert labels(run.run()) == [f"event {EVENT}", "timer timer"]
    run.raise_event(f"ReplicateProgress-{JOB}-90", {"percent": 120})
    run.run()
    assert run.custom_status == {"progress": 100}


# The SDK warns of an event nothing waits for; that is the point here.
@pytest.mark.filterwarnings("ignore:Potential duplicate Task completion")
def test_without_a_progress_callback_no_mark_is_awaited() -> None:
    run, _ = begin(progress=False)
    run.raise_event(f"ReplicateProgress-{JOB}-10", {"percent": 10})
    assert run.run() == []
    assert run.custom_status is None and not run.done
