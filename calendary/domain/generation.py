"""Facts read out of Replicate's answers: the seed a prediction used, the version of a training."""

from __future__ import annotations

import re

# FLUX predictors log "Using seed: 12345"; the last mention wins (warm-up runs log one too).
_SEED_LINE = re.compile(r"Using seed:\s*(-?[0-9]+)")
# Real hashes are 64 hex digits; any plain token passes so other backends keep working.
_VERSION_HASH = re.compile(r"^[A-Za-z0-9]{8,128}$")


def parse_output_seed(logs: str | None) -> int | None:
    if not logs:
        return None
    found = _SEED_LINE.findall(logs)
    return int(found[-1]) if found else None


def version_hash(version: str | None) -> str | None:
    """The hash of `owner/name:hash` (or a bare hash); None when it is not one."""
    if not version:
        return None
    candidate = version.rpartition(":")[2].strip()
    return candidate if _VERSION_HASH.fullmatch(candidate) else None
