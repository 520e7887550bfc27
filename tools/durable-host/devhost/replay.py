"""Replay a recorded history against the current code, the way the Durable extension would.

The Python SDK replays whatever history it is given; it is the extension that notices when the
code no longer schedules what the history recorded (a non-determinism error). So this drives the
SDK's own orchestrator handle step by step, as the host does: it hands back the recorded
completions one at a time, numbers the actions the code returns (retry timers included, like the
host), and compares each numbered action with the recorded one at the same position, by kind and
name, as DTFx does. Inputs and outputs are not compared: they may hold times, and the exported
history has no OrchestratorStarted events, so `current_utc_datetime` is only approximated (see
`replay_sdk`). An output that differs does not break an instance in flight anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devhost.actions import ActionType, flatten
from devhost.history_file import Recorded
from devhost.replay_actions import Difference, Differs, Got, got_of, is_task, label, same
from devhost.replay_plan import Plan, Scheduled, fire_time, plan
from devhost.replay_sdk import SdkHistory
from devhost.retries import max_attempts

IN_FLIGHT = frozenset({"Running", "Pending", "Suspended", "Terminated"})


def check(recorded: Recorded, handle: Callable[[str], str] | None) -> Difference | None:
    """None when the code replays the history; otherwise the first difference."""
    if handle is None:
        return Difference(None, None, None, f"the app has no orchestrator '{recorded.name}'")
    try:
        _Replay(recorded, handle).run()
    except Differs as differs:
        return differs.difference
    return None


class _Replay:
    def __init__(self, recorded: Recorded, handle: Callable[[str], str]) -> None:
        self.recorded = recorded
        self.plan: Plan = plan(recorded)
        self.sdk = SdkHistory(recorded, handle, self.plan.started)
        self.flat_seen = 0
        self.retries: dict[int, dict[str, Any]] = {}  # task number -> retry record
        self.retry_timers: dict[int, dict[str, Any]] = {}
        self.extra: Difference | None = None
        self.ending = ("Running", None)

    def run(self) -> None:
        self._apply(self.sdk.call())
        for index, (event, work) in enumerate(self.plan.feed):
            if self.ending[0] != "Running":
                self._missing()
                raise Differs(
                    Difference(
                        None,
                        event["EventType"],
                        self.ending[0],
                        f"the code now ends {self.ending[0]} before the history's {label(event)}",
                    )
                )
            number = self._number_of(event, work)
            self.sdk.feed(event, number)
            self._retry(event, number)
            self._apply(self.sdk.call(), last=index == len(self.plan.feed) - 1)
        self._missing()
        if self.extra is not None:
            raise Differs(self.extra)
        self._compare_end()

    # -- the code's actions against the recorded ones ---------------------------------------------
    def _apply(self, outcome: tuple[str, Any], last: bool = True) -> None:
        ending, state = outcome
        made: list[str] = []
        for action in flatten(state or {})[self.flat_seen :]:
            kind = action["actionType"]
            if kind == ActionType.CONTINUE_AS_NEW:
                self.sdk.take_id()
                continue
            if kind == ActionType.WAIT_FOR_EXTERNAL_EVENT:
                continue
            number = self.sdk.take_id()
            got = got_of(action)
            work = self._match(got, number)
            if work is not None:
                self.sdk.schedule(work, number, action)
                made.append(work.stamp)
            if kind in (
                ActionType.CALL_ACTIVITY_WITH_RETRY,
                ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY,
            ):
                self.retries[number] = {
                    "got": got,
                    "options": action.get("retryOptions") or {},
                    "attempt": 1,
                }
        self.flat_seen = len(flatten(state or {}))
        if ending != "Running" and self.plan.end is not None:
            made.append(self.plan.end["Timestamp"])
        self.sdk.close_step(made)
        if ending == "Failed" and not (last and self.recorded.status == "Failed"):
            raise Differs(
                Difference(
                    self._next_position(),
                    None,
                    None,
                    f"the orchestrator raised during replay: {state and state.get('error')}",
                )
            )
        self.ending = (ending, state)

    def _match(self, got: Got, number: int) -> Scheduled | None:
        pending = [s for s in self.plan.scheduled if s.sequence is None]
        if not pending:
            if self.extra is None and (self.recorded.results_parsed or not is_task(got)):
                self.extra = Difference(
                    len(self.plan.scheduled),
                    None,
                    got.describe(),
                    f"the code now schedules {got.describe()} as action #{number}, "
                    "which the history never recorded",
                )
            return None
        head = pending[0]
        tied = [s for s in pending if s.at == head.at and same(s, got)]
        if not tied:
            position = self.plan.scheduled.index(head)
            raise Differs(
                Difference(
                    position,
                    head.describe(),
                    got.describe(),
                    f"action #{position} differs: the history has {head.describe()}, "
                    f"the code now schedules {got.describe()}",
                )
            )
        work = next((s for s in tied if s.input == got.input), tied[0])
        work.sequence = number
        return work

    def _missing(self) -> None:
        for position, work in enumerate(self.plan.scheduled):
            if work.sequence is None:
                raise Differs(
                    Difference(
                        position,
                        work.describe(),
                        None,
                        f"action #{position} is missing: the history has {work.describe()}, "
                        "the code no longer schedules it",
                    )
                )

    def _next_position(self) -> int | None:
        pending = [i for i, s in enumerate(self.plan.scheduled) if s.sequence is None]
        return pending[0] if pending else None

    # -- recorded events back to the numbers the code uses -----------------------------------------
    def _number_of(self, event: dict[str, Any], work: Scheduled | None) -> int | None:
        if event["EventType"] == "TimerFired":
            due = fire_time(event)
            timers = [
                s
                for s in self.plan.scheduled
                if s.kind == "CreateTimer" and not s.fired and s.fire_at == due
            ]
            work = next((s for s in timers if s.sequence is not None), None)
            if work is None:
                self._missing()
                detail = f"the history's TimerFired (due {event.get('FireAt')}) has no timer"
                raise Differs(Difference(None, "TimerFired", None, detail))
            work.fired = True
        if work is None:
            return None
        if work.sequence is None:
            self._missing()
        return work.sequence

    def _retry(self, event: dict[str, Any], number: int | None) -> None:
        """DTFx's retry interceptor, as the host runs it: a timer after a failure, then again."""
        kind = event["EventType"]
        if kind in ("TaskCompleted", "SubOrchestrationInstanceCompleted"):
            self.retries.pop(number, None)
        elif kind in ("TaskFailed", "SubOrchestrationInstanceFailed"):
            record = self.retries.pop(number, None)
            if record is not None:
                timer = self.sdk.take_id()
                work = self._match(Got("CreateTimer", ""), timer)
                if work is not None:
                    self.sdk.schedule(work, timer, {"actionType": ActionType.CREATE_TIMER})
                self.retry_timers[timer] = record
        elif kind == "TimerFired":
            record = self.retry_timers.pop(number, None)
            if record is None or record["attempt"] >= max_attempts(record["options"]):
                return
            again = self.sdk.take_id()
            record["attempt"] += 1
            work = self._match(record["got"], again)
            if work is not None:
                self.sdk.schedule(work, again, None)
            self.retries[again] = record

    def _compare_end(self) -> None:
        ending = self.ending[0]
        expected = "Running" if self.recorded.status in IN_FLIGHT else self.recorded.status
        if ending != expected:
            raise Differs(
                Difference(
                    None,
                    expected,
                    ending,
                    f"the history ends {expected}, the code now ends {ending}",
                )
            )
