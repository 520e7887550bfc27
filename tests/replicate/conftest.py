"""Fixtures: a fake Replicate per test; a local site serving zips and receiving webhooks."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from PIL import Image

from calendary.replicate import ReplicateClient, RetryPolicy
from calendary.settings import Settings
from tools.devstack.fake_settings import replicate_settings
from tools.fakes.replicate.config import OSTRIS_TRAINER, FakeConfig
from tools.fakes.replicate.testing import RunningFake, StubSite, running_fake, stub_site

OWNER = "local"


def jpeg(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ostris_settings(fake: RunningFake, **overrides: object) -> Settings:
    """The client's tests train with `training_input()` without a schema: the FLUX fine-tuner's
    inputs, which `ostris/flux-dev-lora-trainer` takes."""
    (version,) = FakeConfig().trainers[OSTRIS_TRAINER]
    return replicate_settings(
        fake, ReplicateTrainerModel=OSTRIS_TRAINER, ReplicateTrainerVersion=version, **overrides
    )


async def download(url: str) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.get(url)


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    with running_fake() as running:
        yield running


@pytest.fixture
def site() -> Iterator[StubSite]:
    files = {
        "/good.zip": zip_of({"a.jpg": jpeg(), "b.jpg": jpeg((0, 90, 200)), "b.txt": b"caption"}),
        "/no-images.zip": zip_of({"readme.txt": b"hello", "__MACOSX/._a.jpg": b"junk"}),
        "/broken-images.zip": zip_of({"a.jpg": b"not really a jpeg"}),
        "/not-a-zip.zip": b"plain text pretending to be a zip",
    }
    with stub_site(files) as running:
        yield running


class RecordingSleep:
    """Stands in for asyncio.sleep in the client so retry waits are recorded, not slept."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def client(fake: RunningFake, sleeps: RecordingSleep) -> AsyncIterator[ReplicateClient]:
    replicate = ReplicateClient.from_settings(
        ostris_settings(fake), retry=RetryPolicy(max_retries=3, budget=30), sleep=sleeps
    )
    async with replicate:
        yield replicate
