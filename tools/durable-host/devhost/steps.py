"""What one orchestrator step cost, for benchmarks and the monitor."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class EpisodeStat:
    """Cost of one orchestrator step, for benchmarks and the monitor."""

    instance_id: str
    history_events: int
    replay_seconds: float
    total_seconds: float
