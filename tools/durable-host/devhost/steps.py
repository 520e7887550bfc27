"""What one engine step changes and what it cost: shared by the engine and its dispatchers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devhost.store import Transaction


@dataclass
class EpisodeStat:
    """Cost of one orchestrator step, for benchmarks and the monitor."""

    instance_id: str
    history_events: int
    replay_seconds: float
    total_seconds: float


@dataclass
class Step:
    """What one transaction will change, and what starts once it is committed."""

    tx: Transaction
    events: list[dict[str, Any]] = field(default_factory=list)
    after: list[Callable[[], None]] = field(default_factory=list)
