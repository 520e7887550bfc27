"""Orchestration versions (host.json `defaultVersion`) and the comparison the branches use.

1.1: uploads are checked (faces, sharpness, exposure, the same person across the set) and a
generated image's likeness is scored. Instances started as 1.0 (or before versioning, "") keep
the old path until they end.

1.2: a generation whose likeness is low may be retried once with a new seed (the setting
`LikenessRetry`, passed in the input), and retention re-runs the same-person check of the
photos it leaves. 1.1 instances keep scoring once and never retry.
"""

from __future__ import annotations

PHOTO_CHECKS = "1.1"
LIKENESS_RETRY = "1.2"


def _parts(version: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")) if version else ()


def at_least(version: str | None, wanted: str) -> bool:
    """Dotted numbers compared as numbers ("1.10" > "1.9"); "" and None are the oldest."""
    return _parts(version) >= _parts(wanted)
