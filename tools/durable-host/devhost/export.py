"""`python -m devhost export INSTANCE_ID [-o FILE]`: one instance's history, for replay checks.

The file is exactly what the status API answers with showHistory, showHistoryOutput and
showInput, read from a host's state directory (the host may be running) or from a running host
(`--url`), which is also what the monitor's "Export history" button downloads.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import httpx

from devhost.binding import WEBHOOK_PATH
from devhost.keys import KEY_HEADER, system_key
from devhost.status import payload
from devhost.store import Store

QUERY = {"showHistory": "true", "showHistoryOutput": "true", "showInput": "true"}


def from_state_dir(state_dir: str | Path, instance_id: str) -> dict[str, Any]:
    path = Path(state_dir) / "state.db"
    if not path.exists():
        raise LookupError(f"no state database at {path}")
    store = Store(path)
    try:
        row = store.instance(instance_id)
        if row is None:
            raise LookupError(f"no instance {instance_id!r} in {path}")
        history = store.history(instance_id, row["execution_id"])
        return payload(row, True, history, True)
    finally:
        store.close()


def from_host(base_url: str, instance_id: str, key: str | None = None) -> dict[str, Any]:
    """`key`: the host's system (or master) key; default DEVHOST_SYSTEM_KEY or its local default."""
    url = f"{base_url.rstrip('/')}{WEBHOOK_PATH}/instances/{instance_id}"
    headers = {KEY_HEADER: key or system_key()}
    response = httpx.get(url, params=QUERY, headers=headers, timeout=30)
    if response.status_code == 404:
        raise LookupError(f"no instance {instance_id!r} at {base_url}")
    response.raise_for_status()
    return response.json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devhost export", description=__doc__)
    parser.add_argument("instance_id")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--state-dir", default=".devhost", help="where state.db lives")
    source.add_argument("--url", help="a running host, e.g. http://127.0.0.1:7071")
    parser.add_argument("--key", help="with --url: its system or master key (x-functions-key)")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        if args.url:
            document = from_host(args.url, args.instance_id, args.key)
        else:
            document = from_state_dir(args.state_dir, args.instance_id)
    except (LookupError, httpx.HTTPError) as exc:
        print(f"export: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
