"""The whole loop for tests and the bench: the fake Telegram and fake Replicate in this process,
the product app in the local host (its own process, its log in a file) and a real n8n.

Start order: ports first, because each side must know the other's address before it starts
(the host posts notifications to n8n; n8n's workflows call the host).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContainerClient
from azure.storage.queue import QueueServiceClient

from devhost.binding import SYSTEM_KEY_VARIABLE
from devhost.keys import FUNCTION_KEY_VARIABLE
from tools.devstack.n8n import N8n
from tools.devstack.n8n_setup import N8nConfig
from tools.fakes.replicate.config import FakeConfig, Schedule
from tools.fakes.replicate.testing import RunningFake, running_fake
from tools.fakes.telegram.testing import RunningTelegram, running_telegram

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
FUNCTION_KEY = "loop-function-key-9f3c1e7a5b"
NOTIFICATION_KEY = "loop-notification-key-4d2b8c6e0a"
# The host puts it in Durable's management links (`code=`), as the extension does in Azure.
SYSTEM_KEY = "loop-durable-system-key-7e1a9c3f5d"
# The fake trains in a second; the host waits 2 s for a generation before answering 202.
TRAINING_SECONDS = 1.0
PREDICTION_SECONDS = 0.3
GENERATE_WAIT = "PT2S"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    check: Callable[[], T | None],
    timeout: float,
    what: str,
    explain: Callable[[], str] = lambda: "",
) -> T:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s\n{explain()}")
        time.sleep(0.05)
    return value


@dataclass
class Loop:
    telegram: RunningTelegram
    replicate: RunningFake
    n8n: N8n
    host_url: str
    host_log: Path
    n8n_log: Path
    names: dict[str, str]  # the storage names of this loop (container, tables, queue)
    connection_string: str

    def _container(self) -> ContainerClient:
        service = BlobServiceClient.from_connection_string(self.connection_string)
        return service.get_container_client(self.names["DataContainer"])

    def blob(self, name: str) -> bytes:
        return self._container().download_blob(name).readall()

    def blob_names(self, prefix: str) -> list[str]:
        return sorted(b.name for b in self._container().list_blobs(name_starts_with=prefix))

    def executions_of(self, workflow_id: str) -> list[dict[str, Any]]:
        return [e for e in self.n8n.executions() if e["workflowId"] == workflow_id]

    def diagnosis(self, chat: int) -> str:
        """What a failed wait needs: the chat as the user sees it, unfinished or failed n8n
        executions (their first error line), and the queues."""
        lines = [f"sent: {[m.text or m.caption for m in self.telegram.fake.sent_to(str(chat))]}"]
        for e in self.n8n.executions():
            if e["status"] != "success":
                found = re.search(r'"message":"([^"]{0,300})', str(e["data"]))
                lines.append(f"execution {e['id']} {e['workflowId']} {e['status']}: "
                             f"{found.group(1) if found else ''}")  # fmt: skip
        updates = self.telegram.fake.updates
        lines.append(f"webhook: {updates.info_json()}")
        for record in updates.snapshot():
            if record["chat_id"] == chat:
                attempts = [(a["status"], a["error"][:80]) for a in record["attempts"]]
                lines.append(f"update {record['update_id']} {record['state']}: {attempts}")
        lines.append(f"queued: {self.queued()}")
        return "\n".join(lines)

    def queued(self) -> dict[str, int]:
        """Messages still in the notification queue and its poison queue."""
        service = QueueServiceClient.from_connection_string(self.connection_string)
        counts = {}
        for queue in (
            self.names["NotificationsQueue"],
            self.names["NotificationsQueue"] + "-poison",
        ):
            try:
                props = service.get_queue_client(queue).get_queue_properties()
                counts[queue] = props.approximate_message_count
            except ResourceNotFoundError:
                counts[queue] = 0
        return counts


def _spawn_host(env: dict[str, str], port: int, state: Path, log: IO[bytes]) -> subprocess.Popen:
    # The child finds the host package wherever this process found it.
    path = os.pathsep.join(p for p in sys.path if p)
    args = [sys.executable, "-m", "devhost", "--port", str(port), "--state-dir", str(state)]
    return subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": path}, stdout=log, stderr=log
    )


@contextlib.contextmanager
def running_loop(
    connection_string: str, workdir: Path, *, photo_gate: bool = False
) -> Iterator[Loop]:
    """`photo_gate`: the sample photos are gradients without a face, so with the gate on (as
    deployed) every /train is refused; the tests of the refusal turn it on, the others off."""
    tag = uuid.uuid4().hex[:10]
    host_port, n8n_port, broker_port = free_port(), free_port(), free_port()
    host_url = f"http://127.0.0.1:{host_port}"
    schedules = {
        "training_schedule": Schedule(processing=TRAINING_SECONDS),
        "prediction_schedule": Schedule(processing=PREDICTION_SECONDS),
    }
    with running_telegram() as telegram, running_fake(FakeConfig(**schedules)) as replicate:
        config = N8nConfig(
            port=n8n_port,
            api_origin=host_url,
            telegram_base_url=telegram.base_url,
            telegram_token=telegram.token,
            function_key=FUNCTION_KEY,
            notification_key=NOTIFICATION_KEY,
            broker_port=broker_port,
        )
        names = {
            "DataContainer": f"data{tag}",
            "TrainingsTable": f"Trainings{tag}",
            "GenerationsTable": f"Generations{tag}",
            "NotificationsQueue": f"notifications-{tag}",
            "NotificationDeliveriesTable": f"Deliveries{tag}",
        }
        env = {
            "AzureWebJobsStorage": connection_string,
            **names,
            "ReplicateBaseUrl": replicate.base_url,
            "ReplicateApiKey": replicate.api_key,
            "ReplicateOwner": "kaizen",
            "WebhookUrl": f"{host_url}/api/ReplicateWebHook",
            "ImageUrlAllowedHosts": "api.telegram.org,127.0.0.1",
            "TelegramBotToken": telegram.token,
            "TelegramApiBaseUrl": telegram.base_url,
            "NotificationWebhookUrl": config.notify_url,
            "NotificationWebhookSecret": NOTIFICATION_KEY,
            "GenerateWaitTimeout": GENERATE_WAIT,
            "TrainingTimeout": "PT10M",
            "GenerationTimeout": "PT5M",
            "PhotoGate": "true" if photo_gate else "false",
            SYSTEM_KEY_VARIABLE: SYSTEM_KEY,
            # The host checks it: n8n's credential must send it, or every call answers 401.
            FUNCTION_KEY_VARIABLE: FUNCTION_KEY,
        }
        host_log, n8n_log = workdir / "host.log", workdir / "n8n.log"
        with host_log.open("wb") as hlog, n8n_log.open("wb") as nlog:
            host = _spawn_host(env, host_port, workdir / "devhost", hlog)
            n8n = N8n(config, workdir / "n8n")
            try:
                wait_for(lambda: b"devhost listening" in host_log.read_bytes(), 60, "host start")
                n8n.start(nlog)
                yield Loop(
                    telegram, replicate, n8n, host_url, host_log, n8n_log, names, connection_string
                )
            finally:
                n8n.stop()
                host.terminate()
                try:
                    host.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    host.kill()
                    host.wait()
