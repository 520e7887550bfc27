"""Indexing the app loads no heavy library: each loads when a function first needs it.

Structural, not timed (the timing is `python -m bench.cold_start`): a fresh interpreter imports
`function_app` as the worker does and reports which modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.cold_start import HEAVY

ROOT = Path(__file__).resolve().parents[2]


def _loaded_by(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_app_loads_no_heavy_library() -> None:
    loaded = _loaded_by("import function_app")
    assert "function_app" in loaded
    assert sorted(name for name in HEAVY if name in loaded) == []


def test_the_probe_sees_a_heavy_library_once_a_function_needs_it() -> None:
    # The same probe, after the first use of the storage adapters: so an empty list above
    # means "not loaded", not "the probe cannot see it".
    loaded = _loaded_by(
        "import function_app\n"
        "from calendary.bootstrap import bootstrap\n"
        "from calendary.settings import Settings\n"
        "from calendary.storage.clients import build_storage_clients\n"
        "build_storage_clients(connection_string='UseDevelopmentStorage=true')\n"
        "bootstrap(Settings(_env_file=None))"
    )
    assert {"azure.storage.blob", "azure.data.tables", "azure.storage.queue"} <= loaded
