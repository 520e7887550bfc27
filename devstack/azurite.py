"""Start (or reuse) Azurite, the Azure Storage emulator, on loopback ports 10000-10002."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AZURITE_BIN = ROOT / "node_modules" / ".bin" / "azurite"
HOST = "127.0.0.1"
BLOB_PORT, QUEUE_PORT, TABLE_PORT = 10000, 10001, 10002

# The emulator's published well-known account; not a secret.
ACCOUNT_NAME = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
CONNECTION_STRING = (
    f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT_NAME};AccountKey={ACCOUNT_KEY};"
    f"BlobEndpoint=http://{HOST}:{BLOB_PORT}/{ACCOUNT_NAME};"
    f"QueueEndpoint=http://{HOST}:{QUEUE_PORT}/{ACCOUNT_NAME};"
    f"TableEndpoint=http://{HOST}:{TABLE_PORT}/{ACCOUNT_NAME};"
)


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


def is_running() -> bool:
    return all(_listening(p) for p in (BLOB_PORT, QUEUE_PORT, TABLE_PORT))


def start(location: Path | None = None, *, quiet: bool = True) -> subprocess.Popen[bytes]:
    """Spawn Azurite and wait until all three services accept connections."""
    if not AZURITE_BIN.exists():
        raise RuntimeError(f"{AZURITE_BIN} is missing: run `make deps` (npm ci) first")
    args = [
        str(AZURITE_BIN),
        "--blobHost", HOST, "--blobPort", str(BLOB_PORT),
        "--queueHost", HOST, "--queuePort", str(QUEUE_PORT),
        "--tableHost", HOST, "--tablePort", str(TABLE_PORT),
        "--disableTelemetry",
        "--skipApiVersionCheck",
    ]  # fmt: skip
    if location is None:
        args.append("--inMemoryPersistence")
    else:
        location.mkdir(parents=True, exist_ok=True)
        args += ["--location", str(location)]
    if quiet:
        args.append("--silent")
    proc = subprocess.Popen(  # noqa: S603 - fixed local binary
        args,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not is_running():
        if proc.poll() is not None:
            raise RuntimeError(f"Azurite exited with code {proc.returncode} before listening")
        if time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError("Azurite did not start listening within 30 s")
        time.sleep(0.05)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def running(location: Path | None = None) -> Iterator[str]:
    """Yield a connection string; reuse an Azurite that already listens, else own one."""
    if is_running():
        yield CONNECTION_STRING
        return
    proc = start(location)
    try:
        yield CONNECTION_STRING
    finally:
        stop(proc)
