"""Cold start: what `import function_app` costs on top of importing the two Functions SDKs.

Run: `python -m bench.cold_start [--runs 5] [--root CHECKOUT]`. Each run is a fresh interpreter
that imports `azure.functions` and `azure.durable_functions` (the floor every Python function
app pays), then `function_app`; the table shows the medians, once with the app's modules
compiled from source at start and once with all bytecode cached, and which heavy libraries the
import loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Libraries (and our modules) that should load on first use, not when the worker indexes the
# functions.
HEAVY = (
    "azure.core",  # its exceptions are caught by name: calendary/storage/azure_names.py
    "pydantic_settings",  # Settings are read on first use; the import reads the environment
    "azure.storage.blob",
    "azure.storage.queue",
    "azure.data.tables",
    "httpx",
    "PIL",
    "numpy",
    "dlib",
    "api.openapi_spec",  # the OpenAPI document is built on its first request
    # Loaded when pydantic builds its first validator: models and TypeAdapters defer_build.
    "pydantic.plugin._loader",
)
# Not listed: calendary.replicate.input_schema (about 2 ms of pydantic models whose SchemaError
# the HTTP functions catch); the schemas themselves are fetched and parsed on first use.

_PROBE = """
import json, sys, time
started = time.perf_counter()
import azure.functions, azure.durable_functions
floor = time.perf_counter() - started
import function_app
total = time.perf_counter() - started
heavy = [name for name in json.loads(sys.argv[1]) if name in sys.modules]
print(json.dumps({"floor": floor, "total": total, "heavy": heavy}))
"""


def probe(root: Path, env: dict[str, str]) -> dict[str, object]:
    """One fresh interpreter's figures."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(HEAVY)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(root: Path, runs: int, cache: Path | None) -> tuple[float, float, list[str]]:
    """Median floor and total (ms) and the heavy modules loaded. `cache`: a bytecode folder,
    filled by one uncounted run first; None: the app's modules compile from source each start
    (the default here, PYTHONDONTWRITEBYTECODE=1; the libraries keep their installed bytecode)."""
    env = dict(os.environ)
    if cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
        probe(root, env)
    results = [probe(root, env) for _ in range(runs)]
    floor = statistics.median(float(r["floor"]) for r in results) * 1000  # type: ignore[arg-type]
    total = statistics.median(float(r["total"]) for r in results) * 1000  # type: ignore[arg-type]
    return floor, total, list(results[-1]["heavy"])  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT, help="the app's folder (a checkout)")
    args = parser.parse_args()
    print(f"median of {args.runs} fresh processes, app in {args.root}\n")
    print("| bytecode | SDK floor (ms) | with function_app (ms) | function_app over floor (ms) |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as cache:
        for label, folder in (("app compiled at start", None), ("cached", Path(cache))):
            floor, total, heavy = measure(args.root, args.runs, folder)
            print(f"| {label} | {floor:.0f} | {total:.0f} | {total - floor:.0f} |")
    print(f"\nheavy modules loaded by the import: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
