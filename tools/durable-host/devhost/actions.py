"""The actions an orchestrator returns, flattened the way the extension replays them."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

Action = dict[str, Any]

OUT_OF_PROC_MARKER = "\n\n$OutOfProcData$:"


class ActionType(IntEnum):
    CALL_ACTIVITY = 0
    CALL_ACTIVITY_WITH_RETRY = 1
    CALL_SUB_ORCHESTRATOR = 2
    CALL_SUB_ORCHESTRATOR_WITH_RETRY = 3
    CONTINUE_AS_NEW = 4
    CREATE_TIMER = 5
    WAIT_FOR_EXTERNAL_EVENT = 6
    CALL_ENTITY = 7
    CALL_HTTP = 8
    SIGNAL_ENTITY = 9
    WHEN_ANY = 11
    WHEN_ALL = 12


# Actions that consume one sequence number (EventId / TaskScheduledId / TimerId) in the SDK.
NUMBERED = frozenset({0, 1, 2, 3, 4, 5, 7, 8, 9})


def flatten(state: dict[str, Any]) -> list[Action]:
    """Depth-first list of the atomic actions in a schema V2/V3 state (one outer list)."""
    out: list[Action] = []
    for group in state.get("actions") or []:
        _walk(group, out)
    return out


def _walk(node: Any, out: list[Action]) -> None:
    if isinstance(node, list):
        for child in node:
            _walk(child, out)
    elif node.get("actionType") in (ActionType.WHEN_ANY, ActionType.WHEN_ALL):
        _walk(node.get("compoundActions") or [], out)
    else:
        out.append(node)


def parse_failure(exc: BaseException) -> tuple[str, dict[str, Any] | None]:
    """The error message and the state the SDK attached to a failed orchestrator run."""
    text = str(exc)
    if OUT_OF_PROC_MARKER in text:
        message, _, state = text.partition(OUT_OF_PROC_MARKER)
        parsed = json.loads(state)
        return str(parsed.get("error") or message), parsed
    return text or repr(exc), None
