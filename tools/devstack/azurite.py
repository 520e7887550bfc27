"""Start (or reuse) Azurite, the Azure Storage emulator, on loopback ports.

`make run` uses the well-known ports 10000-10002 and reuses an Azurite already there. Tests never
do: `private()` starts one of their own on free ports, so another test run on the same machine
(which may stop its Azurite at any moment, or wipe its in-memory data) cannot reach them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AZURITE_BIN = ROOT / "node_modules" / ".bin" / "azurite"
HOST = "127.0.0.1"

# The emulator's published well-known account; not a secret.
ACCOUNT_NAME = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


@dataclass(frozen=True)
class StoragePorts:
    blob: int = 10000
    queue: int = 10001
    table: int = 10002

    def __iter__(self) -> Iterator[int]:
        return iter((self.blob, self.queue, self.table))

    def __str__(self) -> str:
        ports = tuple(self)
        if ports == tuple(range(self.blob, self.blob + 3)):
            return f"{HOST}:{self.blob}-{self.table}"
        return f"{HOST}:" + ",".join(map(str, ports))

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT_NAME};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://{HOST}:{self.blob}/{ACCOUNT_NAME};"
            f"QueueEndpoint=http://{HOST}:{self.queue}/{ACCOUNT_NAME};"
            f"TableEndpoint=http://{HOST}:{self.table}/{ACCOUNT_NAME};"
        )


WELL_KNOWN = StoragePorts()
CONNECTION_STRING = WELL_KNOWN.connection_string


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


def is_running(ports: StoragePorts = WELL_KNOWN) -> bool:
    return all(_listening(p) for p in ports)


def free_ports() -> StoragePorts:
    """Three ports nothing listens on now (the OS hands out each once before reusing it)."""
    with ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(3)]
        for sock in socks:
            sock.bind((HOST, 0))
        blob, queue, table = (s.getsockname()[1] for s in socks)
    return StoragePorts(blob, queue, table)


def start(
    location: Path | None = None, *, ports: StoragePorts = WELL_KNOWN, quiet: bool = True
) -> subprocess.Popen[bytes]:
    """Spawn Azurite and wait until all three services accept connections."""
    if not AZURITE_BIN.exists():
        raise RuntimeError(f"{AZURITE_BIN} is missing: run `make deps` (npm ci) first")
    args = [
        str(AZURITE_BIN),
        "--blobHost", HOST, "--blobPort", str(ports.blob),
        "--queueHost", HOST, "--queuePort", str(ports.queue),
        "--tableHost", HOST, "--tablePort", str(ports.table),
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
    while not is_running(ports):
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
def private() -> Iterator[StoragePorts]:
    """An Azurite of one's own on free ports, in memory, stopped on exit (tests use this)."""
    for attempt in range(3):
        ports = free_ports()
        try:
            proc = start(ports=ports)
        except RuntimeError:  # a port was taken between choosing and binding: choose again
            if attempt == 2:
                raise
            continue
        try:
            yield ports
        finally:
            stop(proc)
        return
