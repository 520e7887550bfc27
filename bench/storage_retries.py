"""One storage call with storage down: requests and time, SDK default retries next to ours.

Run: `python -m bench.storage_retries [--runs 1] [--only ours]`. Prints a markdown table. Storage
"down" is Azurite stopped: ports nothing listens on, so every request is refused at once.
The STORAGE columns multiply one call by Durable's policy (10 attempts, 5 s apart).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from azure.core.exceptions import AzureError
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from calendary.storage.clients import StorageClients, build_storage_clients
from tools.devstack import azurite

# orchestrators/policies.py STORAGE, repeated here because bench imports no orchestrator code.
STORAGE_ATTEMPTS = 10
STORAGE_INTERVAL_S = 5.0

CALLS: dict[str, Callable[[StorageClients], object]] = {
    "blob": lambda c: c.blob_service.get_container_client("c").get_container_properties(),
    "queue": lambda c: c.queue_service.get_queue_client("q").get_queue_properties(),
    "table": lambda c: c.table_service.get_table_client("t").get_entity("p", "r"),
}


def sdk_defaults(conn: str, options: dict[str, Any]) -> StorageClients:
    """The clients as built before: each SDK's own default retry policy."""
    return StorageClients(
        blob_service=BlobServiceClient.from_connection_string(conn, **options),
        table_service=TableServiceClient.from_connection_string(conn, **options),
        queue_service=QueueServiceClient.from_connection_string(conn, **options),
        uses_identity=False,
    )


def ours(conn: str, options: dict[str, Any]) -> StorageClients:
    return build_storage_clients(connection_string=conn, client_options=options)


BUILDERS: dict[str, Callable[[str, dict[str, Any]], StorageClients]] = {
    "SDK defaults": sdk_defaults,
    "ours": ours,
}


def failing_call(
    build: Callable[[str, dict[str, Any]], StorageClients], service: str
) -> tuple[int, float]:
    """Requests sent and seconds spent until the call gives up."""
    sent: list[object] = []
    conn = azurite.free_ports().connection_string
    clients = build(conn, {"raw_request_hook": sent.append})
    started = time.perf_counter()
    try:
        CALLS[service](clients)
    except AzureError:
        pass
    else:
        raise RuntimeError(f"{service} call succeeded: something listens on {conn}")
    return len(sent), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", choices=sorted(BUILDERS))
    args = parser.parse_args()
    print("| clients | service | requests/call | s/call | requests/STORAGE step | s/STORAGE step |")
    print("|---|---|---:|---:|---:|---:|")
    for name, build in BUILDERS.items():
        if args.only and name != args.only:
            continue
        for service in CALLS:
            results = [failing_call(build, service) for _ in range(args.runs)]
            requests = max(r for r, _ in results)
            seconds = statistics.median(s for _, s in results)
            step_s = STORAGE_ATTEMPTS * seconds + (STORAGE_ATTEMPTS - 1) * STORAGE_INTERVAL_S
            print(
                f"| {name} | {service} | {requests} | {seconds:.1f} "
                f"| {STORAGE_ATTEMPTS * requests} | {step_s:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
