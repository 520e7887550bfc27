"""The local stack: Azurite (reused or owned), the fake Replicate, the local host, and the fake
Telegram with the sample photos."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from devhost.keys import Keys
from tools.devstack import azurite
from tools.devstack.n8n_setup import LOCAL_NOTIFY_URL, local_delivery_settings
from tools.devstack.photos import BOT_TOKEN, PhotoServer
from tools.fakes.replicate.config import DEFAULT_TOKEN

ROOT = azurite.ROOT
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Ports:
    host: int = 7071
    replicate: int = 7072
    photos: int = 7073  # the fake Telegram, which holds the sample photos
    storage: azurite.StoragePorts = azurite.WELL_KNOWN

    @property
    def api(self) -> str:
        return f"http://{LOOPBACK}:{self.host}"


class StackError(RuntimeError):
    """The stack could not start; the message says why and what to do."""


def local_settings_values(path: Path = ROOT / "local.settings.json") -> dict[str, str]:
    if not path.exists():
        return {}
    return {k: str(v) for k, v in (json.loads(path.read_text()).get("Values") or {}).items()}


def local_environment(
    ports: Ports = Ports(),
    settings_file: Path = ROOT / "local.settings.json",
    *,
    with_n8n: bool = False,
) -> dict[str, str]:
    """The settings the local stack needs. The environment wins, then `local.settings.json`
    (which the host applies itself), then these defaults. `with_n8n` delivers notifications to
    `make n8n`; without it they stay in the queue, where `make demo` reads them."""
    defaults = {
        "AzureWebJobsStorage": ports.storage.connection_string,
        "ReplicateBaseUrl": f"http://{LOOPBACK}:{ports.replicate}/v1",
        "ReplicateApiKey": DEFAULT_TOKEN,
        "ReplicateOwner": "local",
        "WebhookUrl": f"{ports.api}/api/ReplicateWebHook",
        # Any port of an allow-listed loopback host is allowed: the sample photos live there.
        "ImageUrlAllowedHosts": "api.telegram.org,127.0.0.1,localhost",
        # The fake trains in ~10 s and forgets its jobs when it restarts: a job lost that way is
        # checked (and recorded as failed) after minutes instead of Azure's hours.
        "TrainingTimeout": "PT2M",
        # The sample photos show no face; with the gate on, the demo could not train on them.
        "PhotoGate": "false",
        "GenerationTimeout": "PT1M",
    }
    if with_n8n:
        defaults |= local_delivery_settings(f"http://{LOOPBACK}:{ports.photos}", BOT_TOKEN)
    configured = os.environ.keys() | local_settings_values(settings_file).keys()
    return {**os.environ, **{k: v for k, v in defaults.items() if k not in configured}}


def host_keys(settings_file: Path = ROOT / "local.settings.json") -> Keys:
    """The keys the local host takes: the environment wins over `local.settings.json` (as the
    host applies it), then the host's fixed local defaults."""
    return Keys.from_env({**local_settings_values(settings_file), **os.environ})


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((LOOPBACK, port)) == 0


def host_answers(api: str, timeout: float = 2.0) -> bool:
    """True when a Calendary host answers its health probe at `api`."""
    try:
        return httpx.get(f"{api}/api/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


class LocalStack:
    """Starts what `make run` runs and stops all of it, children first, in reverse order."""

    def __init__(
        self,
        ports: Ports = Ports(),
        *,
        output: IO[bytes] | None = None,
        state_dir: Path = ROOT / ".devhost",
        with_n8n: bool = False,
    ) -> None:
        self.ports = ports
        self.with_n8n = with_n8n
        self.state_dir = state_dir
        self._output = output
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.photos: PhotoServer | None = None
        self.owned_azurite: subprocess.Popen[bytes] | None = None
        self.reused_azurite = False

    def start(self, ready_timeout: float = 60.0) -> None:
        busy = [
            p for p in (self.ports.host, self.ports.replicate, self.ports.photos) if _listening(p)
        ]
        if busy:
            taken = ", ".join(map(str, busy))
            raise StackError(
                f"{LOOPBACK}:{taken} already in use: is another `make run` still running? "
                "Stop it (Ctrl-C) and try again."
            )
        try:
            self._start(ready_timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, ready_timeout: float) -> None:
        env = local_environment(self.ports, with_n8n=self.with_n8n)
        if azurite.is_running(self.ports.storage):
            self.reused_azurite = True
        else:
            self.owned_azurite = azurite.start(ROOT / ".azurite", ports=self.ports.storage)
        self.photos = PhotoServer(self.ports.photos).start()
        python = sys.executable
        self._spawn(
            "fake Replicate",
            [python, "-m", "tools.fakes.replicate", "--port", str(self.ports.replicate)],
            env,
        )
        host_args = ["--port", str(self.ports.host), "--state-dir", str(self.state_dir)]
        self._spawn("host", [python, "-m", "devhost", *host_args], env)
        self._wait_ready(ready_timeout)

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        # Own sessions: a terminal's Ctrl-C reaches only this process, which stops them in order.
        self.children[name] = subprocess.Popen(  # noqa: S603 - our own modules
            args,
            cwd=ROOT,
            env=env,
            stdout=self._output,
            stderr=subprocess.STDOUT if self._output is not None else None,
            start_new_session=True,
        )

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not (_listening(self.ports.replicate) and host_answers(self.ports.api, 1.0)):
            if (name := self.exited()) is not None:
                code = self.children[name].returncode
                raise StackError(f"the {name} exited with code {code} while starting")
            if time.monotonic() > deadline:
                raise StackError(f"the stack did not answer within {timeout:.0f} s")
            time.sleep(0.1)

    def exited(self) -> str | None:
        """The name of a child that has stopped, if any."""
        return next((n for n, c in self.children.items() if c.poll() is not None), None)

    def stop(self) -> None:
        running = [c for c in reversed(self.children.values()) if c.poll() is None]
        for child in running:
            os.killpg(child.pid, signal.SIGTERM)
        for child in running:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        if self.photos is not None:
            self.photos.stop()
            self.photos = None
        if self.owned_azurite is not None:
            azurite.stop(self.owned_azurite)
            self.owned_azurite = None

    def banner(self) -> str:
        where = f"Azurite on {self.ports.storage}"
        storage = (
            f"{where} (already running: reused)"
            if self.reused_azurite
            else f"{where} (data in .azurite/)"
        )
        p = self.ports
        photos = self.photos.url(1) if self.photos else ""
        keys = host_keys()
        return (
            "\nCalendary Kaizen is running:\n"
            f"  API        {p.api}/api/  (try {p.api}/api/health)\n"
            f"  Key        x-functions-key: {keys.function}  (or ?code=; local keys, as in Azure)\n"
            f"  OpenAPI    {p.api}/api/openapi.json\n"
            f"  Monitor    {p.api}/monitor?code={keys.system}\n"
            f"  Replicate  http://{LOOPBACK}:{p.replicate}/v1 (fake; trainings ~10 s)\n"
            f"  Telegram   http://{LOOPBACK}:{p.photos} (fake Bot API, token as below)\n"
            f"  Photos     {photos} ... file_6.jpg (samples)\n"
            f"  Storage    {storage}\n"
            f"  State      {_shown(self.state_dir)} (workflows resume after a restart)\n"
            + (
                f"  Notices    to n8n at {LOCAL_NOTIFY_URL}: start it with `make n8n`\n"
                if self.with_n8n
                else "Try `make demo` in another terminal. "
            )
            + "Press Ctrl-C to stop.\n"
        )


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) + "/" if path.is_relative_to(ROOT) else str(path)
