"""`python -m bench` (`make bench`): every bench module that has a `main()`, one after another.

Each runs in its own process, so one measurement never inherits another's memory or threads.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent


def benchmarks() -> list[str]:
    names = []
    for module in sorted(pkgutil.iter_modules([str(PACKAGE)]), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        if callable(getattr(importlib.import_module(f"bench.{module.name}"), "main", None)):
            names.append(module.name)
    return names


def main() -> int:
    failed = []
    for name in benchmarks():
        print(f"## bench.{name}\n", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode:
            failed.append(name)
        print(flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
