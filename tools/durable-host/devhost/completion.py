"""The one way finished work answers its orchestration: activities and timers both use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devhost.history import Event

# (work id, the work row's payload with instance_id and execution_id, the event to deliver)
Complete = Callable[[int, dict[str, Any], Event], None]
