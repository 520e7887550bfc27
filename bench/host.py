"""The local Durable host: per-step replay cost, fan-out, and event-to-completion latency.

Run: `python -m bench.host [--in-memory] [--quick]`. Prints markdown tables. The host runs
in-process (`devhost.testing.running_host`) with file-backed SQLite in a temporary folder, like
`python -m devhost`, and the orchestrations of `bench/host_app.py`. Instances are started and
events raised through the durable HTTP API; completion is taken from the engine's step hook, so
no polling interval blurs the numbers.
"""

from __future__ import annotations

import argparse
import logging
import math
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from devhost.key_auth import KeyAuth
from devhost.steps import EpisodeStat
from devhost.testing import RunningHost, running_host

APP = "bench.host_app:app"
API = "/runtime/webhooks/durabletask"
EVENTS_PER_STEP = 4  # OrchestratorStarted, TaskCompleted, TaskScheduled, OrchestratorCompleted
TERMINAL = {"Completed", "Failed", "Terminated"}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


class Recorder:
    """Collects every orchestrator step and signals when an instance reaches a final status.

    The hook runs on the host's loop thread, right after the step is committed.
    """

    def __init__(self, host: RunningHost) -> None:
        self.host = host
        self.steps: dict[str, list[EpisodeStat]] = defaultdict(list)
        self._finished: dict[str, threading.Event] = defaultdict(threading.Event)
        self._first_step: dict[str, threading.Event] = defaultdict(threading.Event)
        self.done_at: dict[str, float] = {}
        self._lock = threading.Lock()
        host.engine.on_episode = self._record

    def _record(self, stat: EpisodeStat) -> None:
        row = self.host.engine.store.instance(stat.instance_id)
        with self._lock:
            self.steps[stat.instance_id].append(stat)
            self._first_step[stat.instance_id].set()
            if row is not None and row["status"] in TERMINAL:
                self.done_at[stat.instance_id] = time.perf_counter()
                self._finished[stat.instance_id].set()

    def finished(self, instance_id: str) -> threading.Event:
        with self._lock:
            return self._finished[instance_id]

    def started(self, instance_id: str) -> threading.Event:
        with self._lock:
            return self._first_step[instance_id]


def start(http: httpx.Client, name: str, value: Any, instance_id: str | None = None) -> str:
    instance_id = instance_id or uuid.uuid4().hex
    response = http.post(f"{API}/orchestrators/{name}/{instance_id}", json=value)
    response.raise_for_status()
    return instance_id


def run_to_end(http: httpx.Client, recorder: Recorder, name: str, value: Any) -> float:
    """Seconds from the start request to the committed final step."""
    instance_id = uuid.uuid4().hex
    done = recorder.finished(instance_id)
    began = time.perf_counter()
    start(http, name, value, instance_id)
    if not done.wait(120):
        raise TimeoutError(f"{name} did not finish")
    status = http.get(f"{API}/instances/{instance_id}").json()["runtimeStatus"]
    if status != "Completed":
        raise RuntimeError(f"{name} ended {status}")
    return recorder.done_at[instance_id] - began


def step_costs(
    http: httpx.Client, recorder: Recorder, target: int, samples: int
) -> tuple[list[float], list[float]]:
    """Replay and whole-step seconds of steps whose history is within 5 % (at least ±2) of target.

    Sequences run one at a time, so a step never waits for another instance's replay.
    """
    spread = max(2, round(target * 0.05))
    steps = math.ceil((target + spread) / EVENTS_PER_STEP) + 1
    replay: list[float] = []
    total: list[float] = []
    while len(replay) < samples:
        instance_id = uuid.uuid4().hex
        done = recorder.finished(instance_id)
        start(http, "sequence", steps, instance_id)
        if not done.wait(120):
            raise TimeoutError("sequence did not finish")
        for stat in recorder.steps[instance_id]:
            if abs(stat.history_events - target) <= spread:
                replay.append(stat.replay_seconds)
                total.append(stat.total_seconds)
    return replay, total


def event_latencies(http: httpx.Client, recorder: Recorder, count: int) -> list[float]:
    """Seconds from the raise-event request to the committed completion, one raise at a time."""
    ids = [uuid.uuid4().hex for _ in range(count)]
    for instance_id in ids:
        recorder.started(instance_id)
        start(http, "await_event", None, instance_id)
    for instance_id in ids:  # every instance has run its first step and waits for "Go"
        if not recorder.started(instance_id).wait(60):
            raise TimeoutError("await_event did not start")
    latencies = []
    for instance_id in ids:
        done = recorder.finished(instance_id)
        began = time.perf_counter()
        response = http.post(f"{API}/instances/{instance_id}/raiseEvent/Go", json={"ok": True})
        if response.status_code != 202:
            raise RuntimeError(f"raise event answered {response.status_code}")
        if not done.wait(60):
            raise TimeoutError("await_event did not complete")
        latencies.append(recorder.done_at[instance_id] - began)
    return latencies


@contextmanager
def bench_host(in_memory: bool) -> Iterator[RunningHost]:
    if in_memory:
        with running_host(APP) as host:
            yield host
        return
    with (
        tempfile.TemporaryDirectory(prefix="devhost-bench-") as folder,
        running_host(APP, database=str(Path(folder) / "state.db")) as host,
    ):
        yield host


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-memory", action="store_true", help="SQLite in memory, not a file")
    parser.add_argument("--quick", action="store_true", help="fewer samples (smoke run)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the SDK warns that this app has no HTTP function
    samples, fan_runs, raises = (5, 2, 10) if args.quick else (20, 5, 50)
    sequences = (25, 100, 250)
    with (
        bench_host(args.in_memory) as host,
        httpx.Client(base_url=host.base_url, auth=KeyAuth(host.keys)) as http,
    ):
        recorder = Recorder(host)
        run_to_end(http, recorder, "sequence", 3)  # warm-up: imports, first replay, pools
        rows = [(n, *step_costs(http, recorder, n, samples)) for n in (10, 100, 1000)]
        whole = [(n, run_to_end(http, recorder, "sequence", n)) for n in sequences]
        fan = [run_to_end(http, recorder, "fan_out", 100) for _ in range(fan_runs)]
        latencies = event_latencies(http, recorder, raises)

    mode = "SQLite in memory" if args.in_memory else "SQLite file (WAL)"
    print(f"Local host, {mode}\n")
    print("| history events | steps | replay median (ms) | replay p95 (ms) "
          "| replay+dispatch median (ms) | replay+dispatch p95 (ms) |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|")
    for target, replay, total in rows:
        print(
            f"| {target} | {len(replay)} | {ms(statistics.median(replay))} "
            f"| {ms(percentile(replay, 0.95))} | {ms(statistics.median(total))} "
            f"| {ms(percentile(total, 0.95))} |"
        )
    print("\n| sequential orchestration | history events | wall time (s) | per step (ms) |")
    print("|---|---:|---:|---:|")
    for n, seconds in whole:
        events = EVENTS_PER_STEP * (n + 1) + 1
        print(f"| {n} activities | {events} | {seconds:.2f} | {ms(seconds / n)} |")
    print("\n| scenario | runs | median (ms) | p95 (ms) | min (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, values in (
        ("fan-out of 100 no-op activities, start to completed", fan),
        ("event raised to completed (HTTP raiseEvent)", latencies),
    ):
        print(
            f"| {label} | {len(values)} | {ms(statistics.median(values))} "
            f"| {ms(percentile(values, 0.95))} | {ms(min(values))} | {ms(max(values))} |"
        )


if __name__ == "__main__":
    main()
