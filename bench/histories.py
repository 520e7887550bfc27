"""History sizes of the service's own orchestrations, and what replaying them costs.

Run: `python -m bench.histories` (about 30 s). The product app (`function_app:app`) runs on the
local host in-process with Azurite, the fake Replicate and a local photo site, as in
`tests/e2e/`, and goes through upload (6 and 20 photos), training and generation by HTTP. Each
instance's history is read from the host's store once it finished (the full history the SDK
replays, OrchestratorStarted/Completed included), and every orchestrator step is recorded with
the engine's step hook (history size and measured replay time).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from calendary.bootstrap import bootstrap, installed
from devhost.history import EventType
from devhost.key_auth import KeyAuth
from devhost.steps import EpisodeStat
from devhost.testing import RunningHost, running_host
from tests.e2e.stack import Stack
from tools.devstack import azurite
from tools.devstack.fake_settings import replicate_settings
from tools.fakes.replicate.config import FakeConfig, Schedule
from tools.fakes.replicate.testing import RunningFake, StubSite, running_fake, serve_app

TIME_SCALE = 1000  # durable timers: a 2 h TrainingTimeout passes in 7.2 s
# docs/performance.md, "Local host": one step costs ~0.5 ms plus ~42 µs per history event.
STEP_BASE_MS = 0.5
PER_EVENT_MS = 0.042


@dataclass
class Measured:
    scenario: str
    orchestration: str
    instances: int
    events: int  # per instance (the largest, for sub-orchestrations)
    steps: int
    replay_ms: float  # measured, all steps of one instance
    breakdown: str


class Steps:
    """Every committed orchestrator step, by instance (the hook runs on the host's loop)."""

    def __init__(self, host: RunningHost) -> None:
        self._lock = threading.Lock()
        self.by_instance: dict[str, list[EpisodeStat]] = defaultdict(list)
        host.engine.on_episode = self._record

    def _record(self, stat: EpisodeStat) -> None:
        with self._lock:
            self.by_instance[stat.instance_id].append(stat)

    def of(self, instance_id: str) -> list[EpisodeStat]:
        with self._lock:
            return list(self.by_instance[instance_id])


def history(host: RunningHost, instance_id: str) -> list[dict[str, Any]]:
    async def read() -> list[str]:
        row = host.engine.store.instance(instance_id)
        assert row is not None, instance_id
        return host.engine.store.history(instance_id, row["execution_id"])

    return [json.loads(e) for e in host.call(read())]


def breakdown(events: list[dict[str, Any]]) -> str:
    kinds = Counter(EventType(e["EventType"]).name for e in events)
    tasks = Counter(e["Name"] for e in events if e["EventType"] == EventType.TASK_SCHEDULED)
    parts = [f"{name.lower()} {count}" for name, count in kinds.most_common()]
    if tasks:
        parts.append("activities: " + ", ".join(f"{n} x{c}" for n, c in sorted(tasks.items())))
    return "; ".join(parts)


def measure(
    stack: Stack, steps: Steps, scenario: str, orchestration: str, ids: list[str]
) -> Measured:
    for instance_id in ids:
        stack.wait_instance(instance_id, timeout=60)
    histories = [history(stack.host, i) for i in ids]
    largest = max(range(len(ids)), key=lambda n: len(histories[n]))
    stats = steps.of(ids[largest])
    return Measured(
        scenario=scenario,
        orchestration=orchestration,
        instances=len(ids),
        events=len(histories[largest]),
        steps=len(stats),
        replay_ms=sum(s.replay_seconds for s in stats) * 1000,
        breakdown=breakdown(histories[largest]),
    )


def new_chat() -> str:
    return str(uuid.uuid4().int % 10**12)


def upload(stack: Stack, steps: Steps, photos: int) -> list[Measured]:
    chat = new_chat()
    data = stack.upload(chat, list(range(1000, 1000 + photos)))
    assert data["imageCount"] == photos, data
    parent = data["instanceId"]
    scenario = f"upload of {photos} photos"
    return [
        measure(stack, steps, scenario, "upload_images", [parent]),
        measure(
            stack, steps, scenario, "fetch_one_image", [f"{parent}-{n}" for n in range(photos)]
        ),
    ]


def train(stack: Stack, steps: Steps, chat: str, scenario: str) -> tuple[Measured, str]:
    stack.upload(chat, list(range(2000, 2006)))
    started = stack.train(chat, triggerWord="TOK", steps=1000)
    training = stack.wait_training(chat, timeout=60)
    assert training["status"] == "succeeded", training
    measured = measure(stack, steps, scenario, "train_model", [started["instanceId"]])
    return measured, started["trainingId"]


def generate(stack: Stack, steps: Steps, chat: str, training_id: str, scenario: str) -> Measured:
    response = stack.post(
        "GenerateImage", {"userId": chat, "trainingId": training_id, "prompt": "TOK at the sea"}
    )
    assert response.status_code == 200, response.text
    generation_id = response.json()["data"]["generationId"]
    return measure(stack, steps, scenario, "generate_image", [generation_id])


@contextmanager
def service(
    host: RunningHost, fake: RunningFake, site: StubSite, connection: str, **overrides: str
) -> Iterator[Stack]:
    tag = uuid.uuid4().hex[:10]
    values: dict[str, Any] = {
        "AzureWebJobsStorage": connection,
        "DataContainer": f"data{tag}",
        "TrainingsTable": f"Trainings{tag}",
        "GenerationsTable": f"Generations{tag}",
        "NotificationsQueue": f"notifications-{tag}",
        "ReplicateOwner": "kaizen",
        "WebhookUrl": f"{host.base_url}/api/ReplicateWebHook",
        "ImageUrlAllowedHosts": "api.telegram.org,127.0.0.1",
        "MinImageSide": 64,
        "PhotoGate": False,
        "MaxImagesPerRequest": 20,
        **overrides,
    }
    settings = replicate_settings(fake, **values)
    auth = KeyAuth(host.keys)  # the host checks keys as Azure does
    with installed(bootstrap(settings)) as services, httpx.Client(timeout=120, auth=auth) as http:
        yield Stack(host=host, fake=fake, site=site, services=services, http=http)


def run_scenarios(host: RunningHost, site: StubSite, connection: str) -> list[Measured]:
    steps = Steps(host)
    results: list[Measured] = []
    # Jobs take a while, so the webhook arrives while the workflow waits, as in production.
    config = FakeConfig(
        training_schedule=Schedule(starting=0.2, processing=0.5),
        prediction_schedule=Schedule(starting=0.1, processing=0.2),
    )
    with running_fake(config) as fake, service(host, fake, site, connection) as stack:
        results += upload(stack, steps, 6)
        results += upload(stack, steps, 20)
        chat = new_chat()
        training, training_id = train(stack, steps, chat, "training, webhook while waiting")
        results.append(training)
        results.append(
            generate(stack, steps, chat, training_id, "generation, done within Prefer: wait")
        )
    # A prediction that outlasts Replicate's sync wait (10 s): the workflow waits for the webhook.
    slow = FakeConfig(prediction_schedule=Schedule(starting=0.5, processing=10.5))
    with (
        running_fake(slow) as fake,
        service(host, fake, site, connection, GenerationTimeout="PT1H") as stack,
    ):
        chat = new_chat()
        _, training_id = train(stack, steps, chat, "")
        results.append(generate(stack, steps, chat, training_id, "generation, result by webhook"))
    # The webhook never arrives (dead URL): the durable timer and the fallback checks finish it.
    lost = FakeConfig(training_schedule=Schedule(starting=0.5, processing=1.0))
    with (
        running_fake(lost) as fake,
        service(
            host, fake, site, connection,
            WebhookUrl="http://127.0.0.1:9/api/ReplicateWebHook", TrainingTimeout="PT15M",
        ) as stack,
    ):  # fmt: skip
        training, _ = train(stack, steps, new_chat(), "training, webhook lost (timer + checks)")
        results.append(training)
    return results


def table(results: list[Measured], per_event_ms: float, base_ms: float) -> str:
    lines = [
        "| scenario | orchestration | instances | history events | steps | last step replay, "
        "est. (ms) | all steps replay, est. (ms) | all steps replay, measured (ms) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        last = base_ms + per_event_ms * r.events
        # Step k replays the history so far; sizes grow roughly evenly from ~3 to the final one.
        total = r.steps * base_ms + per_event_ms * r.events * (r.steps + 1) / 2
        lines.append(
            f"| {r.scenario} | {r.orchestration} | {r.instances} | {r.events} | {r.steps} | "
            f"{last:.1f} | {total:.1f} | {r.replay_ms:.1f} |"
        )
    return "\n".join(lines)


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    # The SDK warns on every activity result it hands over as a dict; noise for this table.
    logging.getLogger("azure.functions.DurableFunctions").setLevel(logging.ERROR)
    with (
        azurite.private() as storage,
        running_host("function_app:app", time_scale=TIME_SCALE) as host,
    ):
        site = StubSite()
        with serve_app(site.app()) as origin:
            site.origin = origin
            started = time.perf_counter()
            results = run_scenarios(host, site, storage.connection_string)
            elapsed = time.perf_counter() - started
    print(table(results, PER_EVENT_MS, STEP_BASE_MS))
    print()
    for r in results:
        print(f"- {r.scenario} / {r.orchestration}: {r.breakdown}")
    print(f"\n({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
