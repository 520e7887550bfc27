"""The whole service for end-to-end tests: local host + Azurite + fake Replicate + a photo site."""

from __future__ import annotations

import base64
import io
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from azure.storage.blob import ContainerClient
from azure.storage.queue import QueueClient
from PIL import Image

from calendary.bootstrap import Services, bootstrap, installed
from calendary.settings import Settings
from calendary.storage.tables import GenerationRow, TrainingRow, from_entity
from devhost.testing import RunningHost
from tests.faces import photos as face_photos
from tools.devstack.fake_settings import replicate_settings
from tools.fakes.replicate.app import FakeReplicate
from tools.fakes.replicate.testing import RunningFake, StubSite

# Telegram file links carry the bot token; the photo site serves them under such a path.
BOT_TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"

# A fake Replicate job scheduled to end within this many real seconds holds the host's clock
# until its webhooks are out. A test that schedules a longer job means "Replicate is slower than
# the workflow's timeout": the timer may then fire first, as it would in production.
PROMPT_JOB_SECONDS = 2.0
# The host skips only after staying idle this long: it covers the instant between a fake job
# ending and its webhook being queued, which the two threads cannot see atomically.
SKIP_GRACE = 0.05


def stack_settings(fake: RunningFake, storage: str, host_url: str, **overrides: Any) -> Settings:
    """The service's settings for one test stack: its own container, tables and queue (a fresh
    tag), the fake Replicate, webhooks to the host, and the sample photos' loopback site.

    The sample photos are gradients, no faces: flows train on them with the photo gate off (the
    gate's own tests turn it on)."""
    tag = uuid.uuid4().hex[:10]
    values: dict[str, Any] = {
        "AzureWebJobsStorage": storage,
        "DataContainer": f"data{tag}",
        "TrainingsTable": f"Trainings{tag}",
        "GenerationsTable": f"Generations{tag}",
        "NotificationsQueue": f"notifications-{tag}",
        "ReplicateOwner": "kaizen",
        "WebhookUrl": f"{host_url}/api/ReplicateWebHook",
        "ImageUrlAllowedHosts": "api.telegram.org,127.0.0.1",
        "MinImageSide": 64,
        "PhotoGate": False,
    }
    return replicate_settings(fake, **(values | overrides))


def replicate_calls_back(fake: FakeReplicate) -> bool:
    """Whether the fake Replicate is about to call the host: a webhook is being delivered
    (with its retries), or a job it will soon end is still running."""
    if fake.sender.busy():
        return True
    schedules = {
        "training": fake.config.training_schedule,
        "prediction": fake.config.prediction_schedule,
    }
    jobs = {"training": fake.trainings, "prediction": fake.predictions}
    for kind, schedule in schedules.items():
        if schedule.starting + schedule.processing > PROMPT_JOB_SECONDS:
            continue
        if any(job["status"] in ("starting", "processing") for job in jobs[kind]()):
            return True
    return False


def photo(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    """A distinct, deterministic JPEG: a gradient with noise from `seed`."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    base = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    pixels = [
        ((base[0] + x) % 256, (base[1] + y) % 256, (base[2] + rng.randrange(64)) % 256)
        for y in range(size[1])
        for x in range(size[0])
    ]
    image.putdata(pixels)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def photo_path(n: int) -> str:
    return f"/file/bot{BOT_TOKEN}/photos/file_{n}.jpg"


@dataclass
class Stack:
    host: RunningHost
    fake: RunningFake
    site: StubSite
    services: Services
    http: httpx.Client
    # Settings changed for the rest of a test (`change_settings`); whoever made the stack closes
    # it, which puts back what was installed before, newest change first.
    changes: ExitStack = field(default_factory=ExitStack)

    @property
    def settings(self):
        return self.services.settings

    def use_trainer(self, trainer: str) -> None:
        """Train with another of the fake's trainers (its first version) for the rest of a test."""
        version = self.fake.fake.config.trainers[trainer][0]
        self.change_settings(replicate_trainer_model=trainer, replicate_trainer_version=version)

    @contextmanager
    def reconfigure(self, **update: Any) -> Iterator[Services]:
        """The app's services with these settings changed inside the block; those before after it.
        model_copy: the values must have their types."""
        before = self.services
        with installed(bootstrap(self.settings.model_copy(update=update))) as changed:
            self.services = changed
            try:
                yield changed
            finally:
                self.services = before

    def change_settings(self, **update: Any) -> Services:
        """`reconfigure` for the rest of the test."""
        return self.changes.enter_context(self.reconfigure(**update))

    def photo_url(self, n: int) -> str:
        if photo_path(n) not in self.site.files:
            self.site.files[photo_path(n)] = photo(n)
        return self.site.url(photo_path(n))

    def post(self, route: str, body: Any) -> httpx.Response:
        return self.http.post(f"{self.host.base_url}/api/{route}", json=body)

    def get(self, route: str) -> httpx.Response:
        return self.http.get(f"{self.host.base_url}/api/{route}")

    # Storage, read straight from Azurite ---------------------------------------------------

    @property
    def container(self) -> ContainerClient:
        return self.services.storage.blob_service.get_container_client(self.settings.data_container)

    def blob_names(self, prefix: str) -> list[str]:
        return sorted(b.name for b in self.container.list_blobs(name_starts_with=prefix))

    def read_blob(self, name: str) -> bytes:
        return self.container.download_blob(name).readall()

    def trainings(self, chat_id: str) -> list[TrainingRow]:
        return self.services.trainings.list_for_chat(chat_id)

    def generations(self, chat_id: str) -> list[GenerationRow]:
        return self.services.generations.list_for_chat(chat_id)

    def queue(self) -> QueueClient:
        return self.services.storage.queue_service.get_queue_client(
            self.settings.notifications_queue
        )

    def messages(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Every queued notification (peeked, so nothing is consumed), Base64-decoded."""
        found = []
        for message in self.queue().peek_messages(max_messages=32):
            body = json.loads(base64.b64decode(message.content))
            if chat_id is None or body["userId"] == chat_id:
                found.append(body)
        return found

    # Waiting on the workflows ---------------------------------------------------------------

    def wait_until(self, check: Callable[[], Any], timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            time.sleep(0.05)

    def status(self, chat_id: str) -> dict[str, Any]:
        response = self.get(f"chats/{chat_id}/status")
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def wait_training(
        self, chat_id: str, timeout: float = 30.0, instance_id: str | None = None
    ) -> dict[str, Any]:
        """Until the chat's latest training has ended; with `instance_id`, also until its workflow
        has finished (it records the end before it queues the notification)."""

        def finished() -> dict[str, Any] | None:
            latest = self.status(chat_id)["latestTraining"]
            done = latest and latest["status"] in ("succeeded", "failed", "canceled")
            return latest if done else None

        latest = self.wait_until(finished, timeout)
        if instance_id is not None:
            self.wait_instance(instance_id, timeout)
        return latest

    def instance(self, instance_id: str) -> dict[str, Any]:
        url = f"{self.host.base_url}/runtime/webhooks/durabletask/instances/{instance_id}"
        return self.http.get(url).json()

    def instance_family(self, instance_id: str) -> list[dict[str, Any]]:
        """The instance and its sub-orchestrations (ids `{instance_id}-...`) as the status API
        shows them with everything on: input, history, and each history event's input/output."""
        base = f"{self.host.base_url}/runtime/webhooks/durabletask/instances"
        listed = self.http.get(base, params={"instanceIdPrefix": instance_id, "showInput": "true"})
        assert listed.status_code == 200, listed.text
        full = {"showInput": "true", "showHistory": "true", "showHistoryOutput": "true"}
        return [
            self.http.get(f"{base}/{i['instanceId']}", params=full).json() for i in listed.json()
        ]

    def wait_instance(self, instance_id: str, timeout: float = 30.0) -> dict[str, Any]:
        def done() -> dict[str, Any] | None:
            body = self.instance(instance_id)
            running = ("Running", "Pending")
            return body if body.get("runtimeStatus") not in running else None

        return self.wait_until(done, timeout)

    def upload(self, chat_id: str, photos: list[int]) -> dict[str, Any]:
        response = self.post(
            "UploadImages", {"userId": chat_id, "imageUrls": [self.photo_url(n) for n in photos]}
        )
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def upload_faces(self, chat_id: str, names: tuple[str, ...]) -> dict[str, Any]:
        """face_recognition's test photos (`make faces`), uploaded as a chat would send them."""
        urls = []
        for name in names:
            path = f"/file/botx/faces/{self.settings.data_container}/{name}"
            self.site.files[path] = face_photos.jpeg(face_photos.real(name))
            urls.append(self.site.url(path))
        response = self.post("UploadImages", {"userId": chat_id, "imageUrls": urls})
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def train(self, chat_id: str, **fields: Any) -> dict[str, Any]:
        response = self.post("CreateAndTrainModel", {"userId": chat_id, **fields})
        assert response.status_code == 200, response.text
        return response.json()["data"]


def row_entities(rows: list[Any], model: type) -> list[Any]:
    return [from_entity(model, r) for r in rows]
