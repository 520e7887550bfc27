"""SQLite persistence: instances, append-only history, pending work and entity state.

Write-ahead rule: every change an episode (or a finished activity, fired timer, entity batch) makes
is committed in one transaction before anything depends on it, so a SIGKILL at any point leaves
either the state before or the state after. Pending work (`work` rows) is what a restart resumes:
activity runs (re-run: at-least-once), armed timers, inbox messages and entity operations.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    instance_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    status TEXT NOT NULL,
    input TEXT,
    output TEXT,
    custom_status TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    parent TEXT,
    runtime TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS instances_created ON instances(created);
CREATE TABLE IF NOT EXISTS history (
    instance_id TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (instance_id, execution_id, seq)
);
CREATE TABLE IF NOT EXISTS work (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS work_owner ON work(owner);
CREATE TABLE IF NOT EXISTS entities (
    entity_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT,
    exists_ INTEGER NOT NULL,
    last_operation TEXT NOT NULL
);
"""

INSTANCE_COLUMNS = (
    "instance_id", "name", "execution_id", "status", "input", "output", "custom_status",
    "created", "updated", "parent", "runtime", "version",
)  # fmt: skip


@dataclass
class WorkItem:
    id: int
    kind: str  # "message" | "activity" | "timer" | "entity_op"
    owner: str  # instance id, or entity id for entity operations
    payload: dict[str, Any]


class Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def put_instance(self, row: dict[str, Any]) -> None:
        values = [row[c] for c in INSTANCE_COLUMNS]
        marks = ",".join("?" * len(INSTANCE_COLUMNS))
        self._db.execute(
            f"INSERT OR REPLACE INTO instances ({','.join(INSTANCE_COLUMNS)}) VALUES ({marks})",  # noqa: S608
            values,
        )

    def append_history(
        self, instance_id: str, execution_id: str, first_seq: int, events: list[str]
    ) -> None:
        self._db.executemany(
            "INSERT INTO history (instance_id, execution_id, seq, event) VALUES (?,?,?,?)",
            [(instance_id, execution_id, first_seq + i, e) for i, e in enumerate(events)],
        )

    def add_work(self, kind: str, owner: str, payload: dict[str, Any]) -> int:
        cursor = self._db.execute(
            "INSERT INTO work (kind, owner, payload) VALUES (?,?,?)",
            (kind, owner, json.dumps(payload)),
        )
        return int(cursor.lastrowid or 0)

    def delete_work(self, work_id: int) -> None:
        self._db.execute("DELETE FROM work WHERE id = ?", (work_id,))

    def delete_owner_work(self, owner: str, kinds: tuple[str, ...]) -> None:
        marks = ",".join("?" * len(kinds))
        self._db.execute(
            f"DELETE FROM work WHERE owner = ? AND kind IN ({marks})",  # noqa: S608
            (owner, *kinds),
        )

    def put_entity(
        self, entity_id: str, name: str, key: str, state: str | None, exists: bool, at: str
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO entities VALUES (?,?,?,?,?,?)",
            (entity_id, name, key, state, int(exists), at),
        )

    def purge_instance(self, instance_id: str) -> None:
        self._db.execute("DELETE FROM instances WHERE instance_id = ?", (instance_id,))
        self._db.execute("DELETE FROM history WHERE instance_id = ?", (instance_id,))
        self._db.execute("DELETE FROM work WHERE owner = ?", (instance_id,))


class Store:
    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One connection, used only from the host's event-loop thread.
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL survives a killed process (only an OS crash could lose the last commits).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(instances)")}
        if "version" not in columns:  # a state.db from before versioning
            self._db.execute("ALTER TABLE instances ADD COLUMN version TEXT NOT NULL DEFAULT ''")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield Transaction(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- reads -----------------------------------------------------------------------------------
    def instance(self, instance_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT * FROM instances WHERE instance_id = ?", (instance_id,)
        ).fetchone()
        return dict(row) if row else None

    def instances(
        self,
        statuses: list[str] | None = None,
        prefix: str | None = None,
        created_from: str | None = None,
        created_to: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        clauses, args = [], []
        if statuses:
            clauses.append(f"status IN ({','.join('?' * len(statuses))})")
            args += statuses
        if prefix:
            clauses.append("substr(instance_id, 1, ?) = ?")
            args += [len(prefix), prefix]
        if created_from:
            clauses.append("created >= ?")
            args.append(created_from)
        if created_to:
            clauses.append("created <= ?")
            args.append(created_to)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT * FROM instances {where} ORDER BY created DESC"  # noqa: S608
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [dict(r) for r in self._db.execute(sql, args)]

    def history(self, instance_id: str, execution_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT event FROM history WHERE instance_id = ? AND execution_id = ? ORDER BY seq",
            (instance_id, execution_id),
        )
        return [r[0] for r in rows]

    def history_sizes(self) -> dict[tuple[str, str], int]:
        """Event count per (instance id, execution id), for the monitor's list."""
        rows = self._db.execute(
            "SELECT instance_id, execution_id, COUNT(*) FROM history "
            "GROUP BY instance_id, execution_id"
        )
        return {(r[0], r[1]): r[2] for r in rows}

    def work(self) -> list[WorkItem]:
        rows = self._db.execute("SELECT * FROM work ORDER BY id")
        return [WorkItem(r["id"], r["kind"], r["owner"], json.loads(r["payload"])) for r in rows]

    def entity(self, entity_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT * FROM entities WHERE entity_id = ?", (entity_id,)
        ).fetchone()
        return dict(row) if row else None

    def entities(self, name: str | None = None) -> list[dict[str, Any]]:
        if name is None:
            rows = self._db.execute("SELECT * FROM entities ORDER BY entity_id")
        else:
            rows = self._db.execute(
                "SELECT * FROM entities WHERE name = ? ORDER BY entity_id", (name,)
            )
        return [dict(r) for r in rows]
