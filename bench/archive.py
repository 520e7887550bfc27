"""Archive building in Azurite: peak RSS growth and time, next to the floor of a plain copy.

Run: `python -m bench.archive [--images 40] [--mb 3] [--runs 3]`. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import base64
import gc
import io
import os
import statistics
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime

import psutil
from azure.storage.blob import BlobBlock, ContainerClient

from calendary.domain import paths
from calendary.storage.archive import ArchiveBuilder
from calendary.storage.clients import build_storage_clients
from tools.devstack import azurite

CHAT = "900000001"
AT = datetime(2025, 1, 14, 10, 35, tzinfo=UTC)


class PeakRss:
    """Samples the process RSS every 2 ms while the block runs."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self.base = self.peak = 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            time.sleep(0.002)

    def __enter__(self) -> PeakRss:
        gc.collect()
        self.base = self.peak = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.base) / 2**20


def copy_streamed(container: ContainerClient, names: list[str], target: str) -> None:
    """The floor: the same bytes, blob to blob, in the same 4 MiB chunks, without zip framing."""
    blob = container.get_blob_client(target)
    block_ids = []
    for name in names:
        for chunk in container.download_blob(name).chunks():
            block_id = base64.b64encode(f"{len(block_ids):08d}".encode()).decode()
            blob.stage_block(block_id, chunk)
            block_ids.append(block_id)
    blob.commit_block_list([BlobBlock(block_id=b) for b in block_ids])


def zip_in_memory(container: ContainerClient, names: list[str], target: str) -> None:
    """The first implementation's way, for contrast: the whole archive in a BytesIO."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in names:
            archive.writestr(os.path.basename(name), container.download_blob(name).readall())
    container.upload_blob(target, buffer.getvalue(), overwrite=True)


def measure(run: Callable[[int], None], runs: int) -> tuple[float, float]:
    times, growths = [], []
    for i in range(runs):
        with PeakRss() as rss:
            start = time.perf_counter()
            run(i)
            times.append(time.perf_counter() - start)
        growths.append(rss.growth_mib)
    return statistics.median(times), max(growths)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--mb", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = int(args.mb * 1024 * 1024)
    with azurite.private() as storage:
        clients = build_storage_clients(connection_string=storage.connection_string)
        name = "bench" + uuid.uuid4().hex[:12]
        container = clients.blob_service.create_container(name)
        try:
            names = [
                paths.upload_blob_name(CHAT, AT, "bench", n) for n in range(1, args.images + 1)
            ]
            for blob_name in names:  # random bytes: like JPEGs, they do not compress
                container.upload_blob(blob_name, os.urandom(size))
            total_mib = args.images * size / 2**20
            builder = ArchiveBuilder(container)
            rows = [
                (
                    "streamed zip (ArchiveBuilder)",
                    measure(
                        lambda i: builder.build(f"{CHAT}/archive_{i}.zip", names, AT), args.runs
                    ),
                ),
                (
                    "plain blob-to-blob copy (floor)",
                    measure(
                        lambda i: copy_streamed(container, names, f"{CHAT}/copy_{i}"), args.runs
                    ),
                ),
                (
                    "zip in memory (first implementation)",
                    measure(
                        lambda i: zip_in_memory(container, names, f"{CHAT}/mem_{i}.zip"), args.runs
                    ),
                ),
            ]
        finally:
            clients.blob_service.delete_container(name)
    print(
        f"{args.images} images x {args.mb:g} MB = {total_mib:.0f} MiB, median of {args.runs} runs"
    )
    print("| method | time (s) | MiB/s | peak RSS growth (MiB) |")
    print("|---|---:|---:|---:|")
    for label, (seconds, growth) in rows:
        print(f"| {label} | {seconds:.2f} | {total_mib / seconds:.0f} | {growth:.1f} |")


if __name__ == "__main__":
    main()
