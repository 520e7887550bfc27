"""`make run`: Azurite, the fake Replicate and the local Functions host, stopped on Ctrl-C."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from devstack import azurite

ROOT = azurite.ROOT
HOST_PORT = 7071
REPLICATE_PORT = 7072


def local_environment() -> dict[str, str]:
    """Settings the local stack needs; anything already in the environment wins."""
    defaults = {
        "AzureWebJobsStorage": azurite.CONNECTION_STRING,
        "ReplicateBaseUrl": f"http://127.0.0.1:{REPLICATE_PORT}/v1",
        "ReplicateApiKey": "r8_local_fake_token",
        "ReplicateOwner": "local",
        "WebhookUrl": f"http://127.0.0.1:{HOST_PORT}/api/ReplicateWebHook",
        "ImageUrlAllowedHosts": "api.telegram.org,127.0.0.1,localhost",
    }
    return {**os.environ, **{k: v for k, v in defaults.items() if k not in os.environ}}


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603


def main() -> int:
    env = local_environment()
    children: list[subprocess.Popen[bytes]] = []
    owned_azurite = None
    if azurite.is_running():
        print("Azurite already listens on 10000-10002: reusing it")
    else:
        owned_azurite = azurite.start(ROOT / ".azurite")
    if importlib.util.find_spec("fakes.replicate") is not None:
        children.append(
            _spawn([sys.executable, "-m", "fakes.replicate", "--port", str(REPLICATE_PORT)], env)
        )
    children.append(_spawn([sys.executable, "-m", "devhost", "--port", str(HOST_PORT)], env))
    print(
        "\nCalendary Kaizen is starting:\n"
        f"  API        http://127.0.0.1:{HOST_PORT}/api/\n"
        f"  Monitor    http://127.0.0.1:{HOST_PORT}/monitor\n"
        f"  Replicate  http://127.0.0.1:{REPLICATE_PORT}/v1 (fake)\n"
        "  Storage    Azurite on 127.0.0.1:10000-10002 (data in .azurite/)\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:
                print(f"{Path(child.args[2]).name} exited with {child.returncode}", flush=True)
                stopping, code = True, 1
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
    if owned_azurite is not None:
        azurite.stop(owned_azurite)
    print("Stopped.")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
