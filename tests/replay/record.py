"""Record the golden histories of the current version: `python -m tests.replay.record`.

About 30 s, needs Azurite. The goldens go to `histories/{version}/`, the version being host.json's
`defaultVersion` that the recorded instances ran with; goldens of older versions stay as they
are (and keep being replayed with their version) until no instance of that version is in flight.

Run it only when an orchestrator change is intended and versioned (see docs/operations.md,
"Replay checks"): the goldens stand for instances already in flight, so re-recording them to make
`make test` pass would hide exactly the break they exist to catch.

Each scenario runs the product app on the local host with Azurite, the fake Replicate (fake
tokens only) and a local photo site, as the end-to-end tests do, and writes the instance's
history as the status API exports it. Results carry no secret to redact: the bot token stays in
the pending blob, and links handed to Replicate are read from storage, not from history.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from calendary.bootstrap import bootstrap, installed
from devhost.export import QUERY
from devhost.key_auth import KeyAuth
from devhost.testing import running_host
from tests.e2e.stack import Stack, stack_settings
from tests.faces import photos
from tools.devstack import azurite
from tools.fakes.replicate.config import Schedule
from tools.fakes.replicate.testing import StubSite, running_fake, serve_app

ROOT = Path(__file__).parent / "histories"
# The exported JSON drops ExecutionStarted.Version, as the extension's does: each golden's
# orchestration version is kept beside them, so a replay sees the context.version it ran with.
VERSIONS = Path(__file__).parent / "golden_versions.json"
recorded_versions: dict[str, str] = json.loads(VERSIONS.read_text()) if VERSIONS.exists() else {}
CURRENT = json.loads((ROOT.parent.parent.parent / "host.json").read_text())["extensions"][
    "durableTask"
]["defaultVersion"]
HISTORIES = ROOT / CURRENT
TIME_SCALE = 1000  # a 10-minute training timeout passes in 0.6 s
API = "/runtime/webhooks/durabletask"
WEBHOOK_WAIT = Schedule(starting=0.1, processing=0.1)  # the workflow waits, the webhook wins


@contextmanager
def stack(training_timeout: str = "PT10M") -> Iterator[Stack]:
    with ExitStack() as stack_of:
        connection = stack_of.enter_context(azurite.private()).connection_string
        host = stack_of.enter_context(running_host("function_app:app", time_scale=TIME_SCALE))
        site = StubSite()
        site.origin = stack_of.enter_context(serve_app(site.app()))
        fake = stack_of.enter_context(running_fake())
        settings = stack_settings(
            fake, connection, host.base_url,
            TrainingTimeout=training_timeout, GenerationTimeout="PT5M",
        )  # fmt: skip
        http = stack_of.enter_context(httpx.Client(timeout=60, auth=KeyAuth(host.keys)))
        services = stack_of.enter_context(installed(bootstrap(settings)))
        s = Stack(host=host, fake=fake, site=site, services=services, http=http)
        stack_of.enter_context(s.changes)  # settings changed by a recording, undone first
        yield s


def export(s: Stack, instance_id: str, name: str) -> None:
    body = s.http.get(f"{s.host.base_url}{API}/instances/{instance_id}", params=QUERY).json()
    path = HISTORIES / f"{name}.json"
    row = s.host.engine.store.instance(instance_id)
    recorded_versions[path.relative_to(ROOT).as_posix()] = row["version"] if row else ""
    path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{path}: {body['name']} {body['runtimeStatus']}, {len(body['historyEvents'])} events")


def chat() -> str:
    return str(uuid.uuid4().int % 10**12)


def trained_chat(s: Stack) -> tuple[str, str]:
    chat_id = chat()
    s.upload(chat_id, [31, 32, 33, 34, 35])
    started = s.train(chat_id)
    s.wait_training(chat_id, instance_id=started["instanceId"])
    return chat_id, started["instanceId"]


def uploads(s: Stack) -> None:
    upload = s.upload(chat(), [1, 2, 3])
    s.wait_instance(upload["instanceId"])
    export(s, upload["instanceId"], "upload_images")
    export(s, f"{upload['instanceId']}-0", "fetch_one_image")


def training(s: Stack) -> None:
    s.fake.fake.set_schedule(training=WEBHOOK_WAIT)
    _, instance_id = trained_chat(s)
    export(s, instance_id, "train_model")


def training_retried(s: Stack) -> None:
    s.fake.fake.fail_requests(503, route="create_model", count=1)
    _, instance_id = trained_chat(s)
    export(s, instance_id, "train_model_activity_retry")


def training_lost_webhook(s: Stack) -> None:
    s.fake.fake.set_schedule(training=WEBHOOK_WAIT)
    s.fake.fake.webhook_fault("drop", kind="training")
    _, instance_id = trained_chat(s)
    export(s, instance_id, "train_model_lost_webhook")


def training_rejected(s: Stack) -> None:
    """Started directly, for a chat without photos: the chat entity refuses the slot."""
    job = {
        "chat_id": chat(),
        "owner": "kaizen",
        "model_description": "x",
        "trigger_word": "TOK",
        "steps": 1000,
        "min_images": 5,
        "timeout_seconds": 600,
    }
    started = s.http.post(f"{s.host.base_url}{API}/orchestrators/train_model", json=job).json()
    s.wait_instance(started["id"])
    export(s, started["id"], "train_model_rejected")


def generation(s: Stack) -> None:
    s.fake.fake.set_schedule(prediction=WEBHOOK_WAIT)
    chat_id, _ = trained_chat(s)
    training_id = s.status(chat_id)["latestTraining"]["trainingId"]
    body = {"userId": chat_id, "trainingId": training_id, "prompt": "TOK at sea", "seed": 7}
    generated = s.post("GenerateImage", body)
    assert generated.status_code == 200, generated.text
    instance_id = _instance_of(s, "generate_image", chat_id)
    s.wait_instance(instance_id)
    export(s, instance_id, "generate_image")


def generation_retried(s: Stack) -> None:
    """1.2 with LikenessRetry on: trained on Obama's photos, the first image shows Biden (the
    fake outputs face_recognition's test photos, `make faces`), so it is retried once."""
    retry = {"min_training_images": 3, "likeness_retry": True}
    s.change_settings(**retry)
    chat_id = chat()
    s.upload_faces(chat_id, ("obama.jpg", "obama2.jpg", "obama3.jpg"))
    started = s.train(chat_id)
    s.wait_training(chat_id, instance_id=started["instanceId"])
    s.fake.fake.set_output_image(photos.jpeg(photos.real("obama2.jpg")))
    s.fake.fake.set_output_image(photos.jpeg(photos.real("biden.jpg")), seed=7)
    body = {"userId": chat_id, "trainingId": started["trainingId"], "prompt": "TOK", "seed": 7}
    generated = s.post("GenerateImage", body)
    assert generated.status_code == 200, generated.text
    instance_id = _instance_of(s, "generate_image", chat_id)
    s.wait_instance(instance_id)
    assert len(s.fake.fake.predictions()) == 2, "the first image was not retried"
    export(s, instance_id, "generate_image_likeness_retry")


def training_in_flight(s: Stack) -> None:
    """A training that waits for its webhook (hours, in production): the common in-flight case."""
    s.fake.fake.set_schedule(training=Schedule(starting=0.2, processing=3600))
    chat_id = chat()
    s.upload(chat_id, [41, 42, 43, 44, 45])
    instance_id = s.train(chat_id)["instanceId"]
    s.wait_until(lambda: _waiting(s, instance_id))
    export(s, instance_id, "train_model_waiting_for_webhook")
    s.http.post(f"{s.host.base_url}{API}/instances/{instance_id}/terminate")


def _waiting(s: Stack, instance_id: str) -> bool:
    body = s.instance_family(instance_id)[0]
    return any(e["EventType"] == "TimerCreated" for e in body["historyEvents"])


def _instance_of(s: Stack, name: str, chat_id: str) -> str:
    listed = s.http.get(f"{s.host.base_url}{API}/instances", params={"showInput": "true"}).json()
    mine = [i for i in listed if i["name"] == name and chat_id in json.dumps(i["input"])]
    return max(mine, key=lambda i: i["createdTime"])["instanceId"]


SCENARIOS: list[tuple[Callable[[Stack], None], str]] = [
    (uploads, "PT10M"),
    (training, "PT10M"),
    (training_retried, "PT10M"),
    (training_lost_webhook, "PT10M"),
    (training_rejected, "PT10M"),
    (generation, "PT10M"),
    (generation_retried, "PT10M"),
    (training_in_flight, "PT24H"),  # at 1000x still 86 s: time enough to export it waiting
]


def main() -> int:
    HISTORIES.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for scenario, timeout in SCENARIOS:
        with stack(timeout) as s:
            scenario(s)
    VERSIONS.write_text(json.dumps(recorded_versions, indent=1, sort_keys=True) + "\n")
    print(f"recorded in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
