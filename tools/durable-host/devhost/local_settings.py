"""`local.settings.json` Values become environment variables, as under `func start`."""

from __future__ import annotations

import json
import os
from pathlib import Path


def load_local_settings(path: Path = Path("local.settings.json")) -> list[str]:
    """Set each value not already in the environment; returns the names that were set."""
    if not path.exists():
        return []
    values = json.loads(path.read_text()).get("Values") or {}
    applied = []
    for name, value in values.items():
        if name not in os.environ and value is not None:
            os.environ[name] = str(value)
            applied.append(name)
    return applied
