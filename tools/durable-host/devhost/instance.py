"""One orchestration instance as the engine keeps it in memory (a mirror of its store rows)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

ACTIVE = frozenset({"Pending", "Running", "Suspended"})
TERMINAL = frozenset({"Completed", "Failed", "Terminated", "Canceled"})


@dataclass
class Runtime:
    """Host bookkeeping of one execution, persisted with the instance row."""

    next_id: int = 0  # next sequence number, mirrors the SDK's counter
    flat_seen: int = 0  # flattened actions already executed
    timers: dict[str, int] = field(default_factory=dict)  # timer id -> work id
    timer_at: dict[str, int] = field(default_factory=dict)  # flat index -> timer id
    retries: dict[str, dict[str, Any]] = field(default_factory=dict)  # task id -> retry record
    retry_timers: dict[str, dict[str, Any]] = field(default_factory=dict)  # timer id -> record

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Runtime:
        # Rows written by older hosts may carry fields this one no longer keeps.
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})


@dataclass
class Message:
    work_id: int
    event: dict[str, Any]
    execution_id: str | None  # None for external events: they go to whichever execution is current
    external: bool = False


@dataclass
class Instance:
    instance_id: str
    name: str
    execution_id: str
    status: str
    input: str | None  # serialized input text, as the context's "input"
    created: str
    updated: str
    output: str | None = None  # JSON text
    custom_status: str | None = None  # JSON text
    parent: dict[str, Any] | None = None  # instance_id, execution_id, task_id, name
    version: str = ""  # ExecutionStarted.Version, fixed for the instance's whole life
    runtime: Runtime = field(default_factory=Runtime)
    history: list[str] = field(default_factory=list)  # played events, JSON text each
    inbox: list[Message] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id,
            "name": self.name,
            "execution_id": self.execution_id,
            "status": self.status,
            "input": self.input,
            "output": self.output,
            "custom_status": self.custom_status,
            "created": self.created,
            "updated": self.updated,
            "parent": json.dumps(self.parent) if self.parent else None,
            "runtime": self.runtime.to_json(),
            "version": self.version,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any], history: list[str]) -> Instance:
        return cls(
            instance_id=row["instance_id"],
            name=row["name"],
            execution_id=row["execution_id"],
            status=row["status"],
            input=row["input"],
            created=row["created"],
            updated=row["updated"],
            output=row["output"],
            custom_status=row["custom_status"],
            parent=json.loads(row["parent"]) if row["parent"] else None,
            runtime=Runtime.from_json(row["runtime"]),
            version=row["version"] or "",
            history=history,
        )

    def context_json(self, new_events: list[str]) -> str:
        """The orchestration trigger payload, joined from cached event texts (no re-encoding)."""
        parent_id = self.parent["instance_id"] if self.parent else None
        return (
            '{"history": ['
            + ",".join(self.history + new_events)
            + '], "input": '
            + json.dumps(self.input)
            + ', "instanceId": '
            + json.dumps(self.instance_id)
            + ', "isReplaying": false, "parentInstanceId": '
            + json.dumps(parent_id)
            + ', "upperSchemaVersion": 1, "upperSchemaVersionNew": 2}'
        )
