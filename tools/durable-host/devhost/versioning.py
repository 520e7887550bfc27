"""Orchestration versioning as the extension configures DTFx from host.json.

`extensions.durableTask.defaultVersion` is the version of new instances (and of
sub-orchestrations started without one) and the worker's own version; `versionMatchStrategy`
says which instance versions this worker may run, `versionFailureStrategy` what happens to the
others: `Reject` leaves the work where it is (DTFx abandons the work item, to be picked up by a
worker that matches), `Fail` fails the instance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MATCH_STRATEGIES = ("None", "Strict", "CurrentOrOlder")
FAILURE_STRATEGIES = ("Reject", "Fail")
MISMATCH_TYPE = "VersionMismatch"
MISMATCH_MESSAGE = "Orchestration version did not comply with Worker Versioning"
_DOTNET_VERSION = re.compile(r"^\d+(\.\d+){1,3}$")  # what System.Version.TryParse accepts


@dataclass(frozen=True)
class Versioning:
    default_version: str = ""
    match: str = "CurrentOrOlder"  # the Functions extension's default
    failure: str = "Reject"

    @classmethod
    def from_host_json(cls, config: dict[str, Any]) -> Versioning:
        durable = config.get("extensions", {}).get("durableTask", {})
        match = _enum(durable.get("versionMatchStrategy"), MATCH_STRATEGIES, cls.match)
        failure = _enum(durable.get("versionFailureStrategy"), FAILURE_STRATEGIES, cls.failure)
        return cls(str(durable.get("defaultVersion") or ""), match, failure)

    def accepts(self, instance_version: str | None) -> bool:
        """Whether this worker may run an instance of that version (DTFx's dispatcher check).

        Without a `defaultVersion` the worker has no version to compare with and runs everything.
        """
        if not self.default_version:
            return True
        if self.match == "Strict":
            return (instance_version or "") == self.default_version
        if self.match == "CurrentOrOlder":
            return compare_versions(instance_version, self.default_version) <= 0
        return True


def _enum(value: Any, allowed: tuple[str, ...], default: str) -> str:
    """host.json enum values bind case-insensitively; anything else stops the host, as there."""
    if value is None:
        return default
    for name in allowed:
        if str(value).lower() == name.lower():
            return name
    raise ValueError(f"host.json: '{value}' is not one of {', '.join(allowed)}")


def compare_versions(source: str | None, other: str | None) -> int:
    """DTFx VersioningSettings.CompareVersions: empty is oldest, then System.Version, then text."""
    source_blank, other_blank = not (source or "").strip(), not (other or "").strip()
    if source_blank or other_blank:
        return int(other_blank) - int(source_blank)
    assert source is not None and other is not None
    if _DOTNET_VERSION.match(source) and _DOTNET_VERSION.match(other):
        return _sign(_version_key(source), _version_key(other))
    return _sign(source.upper(), other.upper())  # ordinal, ignoring case


def _version_key(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [-1] * (4 - len(parts)))  # an undefined build/revision sorts first


def _sign(a: Any, b: Any) -> int:
    return (a > b) - (a < b)
