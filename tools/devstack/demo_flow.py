"""The whole flow as N8N drives it: upload, train, wait for the model, generate, read back."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.devstack.demo_api import Api, DemoFailed
from tools.devstack.demo_records import download_blob, take_notifications

PROMPT = "a photo of TOK person at the beach"
FINISHED = ("succeeded", "failed", "canceled", "aborted")
NOTIFICATIONS = ("upload_complete", "training_started", "training_complete", "generation_complete")


@dataclass(frozen=True)
class Storage:
    """Where the service keeps its records (the same settings as the host's)."""

    connection_string: str
    notifications_queue: str = "telegram-notifications"


@dataclass
class DemoResult:
    user_id: str
    training_id: str = ""
    model_id: str = ""
    generation_id: str = ""
    image_url: str = ""
    index_url: str = ""
    image_path: Path | None = None
    index_path: Path | None = None
    notifications: list[dict[str, Any]] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    starts: dict[str, int] = field(default_factory=dict)  # step -> 200 or 202


class _Clock:
    def __init__(self, result: DemoResult, say: Callable[[str], None]) -> None:
        self.result, self.say, self.started = result, say, time.monotonic()

    def done(self, step: str, text: str) -> None:
        now = time.monotonic()
        self.result.timings.append((step, now - self.started))
        self.say(f"  {step:<9} {now - self.started:5.1f} s  {text}")
        self.started = now


def run_flow(
    api: Api,
    storage: Storage,
    photo_urls: list[str],
    out_dir: Path,
    user_id: str,
    *,
    say: Callable[[str], None] = print,
    training_timeout: float = 180.0,
    step_timeout: float = 120.0,
) -> DemoResult:
    result = DemoResult(user_id=user_id)
    clock = _Clock(result, say)

    status, body = api.post("upload", "UploadImages", {"userId": user_id, "imageUrls": photo_urls})
    result.starts["upload"] = status
    if status == 202:
        output = api.follow("upload", body["data"]["statusQueryGetUri"], step_timeout)["output"]
        count, skipped = output["image_count"], output["skipped"]
    else:
        count, skipped = body["data"]["imageCount"], body["data"]["skipped"]
    if skipped or count < len(photo_urls):
        raise DemoFailed("upload", f"{count} stored, skipped: {skipped}")
    upload_id = body["data"]["instanceId" if status == 200 else "id"]
    # The upload workflow and its per-photo sub-orchestrations (`{id}-{index}`).
    api.read_workflows("upload", [upload_id] + [f"{upload_id}-{n}" for n in range(count)])
    clock.done("upload", f"POST /api/UploadImages -> {status}: {count} photos stored")

    train = {"userId": user_id, "modelDescription": "Demo model", "triggerWord": "TOK"}
    status, body = api.post("train", "CreateAndTrainModel", {**train, "steps": 1000})
    data, result.starts["train"] = body["data"], status
    if status == 202:
        started = api.follow(
            "train", data["statusQueryGetUri"], step_timeout, _has_training_id
        ).get("customStatus")
        data = started if isinstance(started, dict) else {}
    result.training_id, result.model_id = data.get("trainingId", ""), data.get("modelId", "")
    if not result.training_id:
        raise DemoFailed("train", f"no training id in the answer: {data}")
    clock.done("train", f"POST /api/CreateAndTrainModel -> {status}: {result.training_id}")

    training = _wait_training(api, user_id, training_timeout, say)
    if training["status"] != "succeeded":
        raise DemoFailed(
            "training",
            f"the training ended {training['status']}; its history is on {api.base_url}/monitor",
        )
    clock.done("training", f"GET /api/chats/{user_id}/status: succeeded, {training['version']}")

    ask = {"userId": user_id, "trainingId": result.training_id, "prompt": PROMPT, "seed": 42}
    status, body = api.post("generate", "GenerateImage", {**ask, "aspectRatio": "1:1"})
    data, result.starts["generate"] = body["data"], status
    if status == 202:
        output = api.follow("generate", data["statusQueryGetUri"], step_timeout)["output"]
        if output.get("status") != "succeeded":
            reason = f"{output.get('outcome')} ({output.get('reason') or output.get('status')})"
            raise DemoFailed("generate", f"the generation ended {reason}")
        data = {"generationId": output["generation_id"], "imageUrl": output["image_url"]}
    result.generation_id, result.image_url = data["generationId"], data["imageUrl"]
    clock.done("generate", f"POST /api/GenerateImage -> {status}: {result.generation_id}")

    chat_prefix = result.image_url.rsplit("/generated/", 1)[0]
    result.index_url = f"{chat_prefix}/index.md"
    folder = out_dir / user_id
    result.image_path = folder / f"{result.generation_id}.jpg"
    result.index_path = folder / "index.md"
    download_blob(storage.connection_string, result.image_url, result.image_path, "download")
    download_blob(storage.connection_string, result.index_url, result.index_path, "download")
    result.notifications = take_notifications(
        storage.connection_string, storage.notifications_queue, user_id, len(NOTIFICATIONS)
    )
    kinds = [n.get("messageType") for n in result.notifications]
    if kinds != list(NOTIFICATIONS):
        raise DemoFailed("notifications", f"expected {list(NOTIFICATIONS)}, queued {kinds}")
    clock.done("records", "image, index.md and 4 notifications read back")
    return result


def _has_training_id(status: dict[str, Any]) -> bool:
    custom = status.get("customStatus")
    return isinstance(custom, dict) and bool(custom.get("trainingId"))


def _wait_training(
    api: Api, user_id: str, timeout: float, say: Callable[[str], None]
) -> dict[str, Any]:
    deadline, last = time.monotonic() + timeout, None
    while True:
        latest = api.chat_status("training", user_id).get("latestTraining") or {}
        if latest.get("status") != last:
            last = latest.get("status")
            say(f"            training is {last}")
        if last in FINISHED:
            return latest
        if time.monotonic() > deadline:
            raise DemoFailed("training", f"still {last} after {timeout:.0f} s")
        time.sleep(api.poll_interval)
