"""A running n8n with the project's workflows: start it, create the owner, activate, stop.

Activation goes through the editor's own REST call (`POST /rest/workflows/{id}/activate`),
which is what the Publish button does; it saves three CLI start-ups (`publish:workflow`, ~4 s
each) per start. `docs/n8n-setup.md` gives both ways.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from tools.devstack.n8n_setup import (
    N8N_BIN,
    WORKFLOW_IDS,
    N8nConfig,
    N8nError,
    environment,
    import_project,
)


@dataclass
class N8n:
    config: N8nConfig
    user_folder: Path
    process: subprocess.Popen[bytes] | None = None
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    def start(self, log: IO[bytes], ready_timeout: float = 60.0) -> None:
        """Import, start, set up the owner and activate every workflow."""
        import_project(self.user_folder, self.config)
        self.process = subprocess.Popen(  # noqa: S603 - our pinned n8n
            [str(N8N_BIN), "start"],
            env=environment(self.user_folder, self.config),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its task runner is a child: stop them together
        )
        self._wait_ready(ready_timeout)
        self._setup_owner()
        for workflow_id in WORKFLOW_IDS:
            self.activate(workflow_id)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise N8nError(f"n8n exited with code {self.process.returncode} while starting")
            try:
                # /healthz answers before the REST routes are mounted.
                if self.http.get(f"{self.config.url}/rest/settings").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise N8nError(f"n8n did not answer within {timeout:.0f} s")
            time.sleep(0.2)

    def _rest(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """A REST call, retried while the route is not there yet: n8n mounts its REST
        controllers one at a time after the server listens, and until then answers 404 or the
        editor's HTML page."""
        deadline = time.monotonic() + 20
        while True:
            response = self.http.request(method, f"{self.config.url}/rest/{path}", json=body)
            mounted = response.headers.get("content-type", "").startswith("application/json")
            if mounted or time.monotonic() > deadline:
                return response
            time.sleep(0.2)

    def _setup_owner(self) -> None:
        """The owner account of a fresh n8n; its answer sets the session cookie used below."""
        body = {
            "email": self.config.owner_email,
            "firstName": "Calendary",
            "lastName": "Owner",
            "password": self.config.owner_password,
        }
        response = self._rest("POST", "owner/setup", body)
        if response.status_code != 200:
            raise N8nError(f"owner setup answered {response.status_code}: {response.text[:300]}")

    def activate(self, workflow_id: str) -> None:
        workflow = self._rest("GET", f"workflows/{workflow_id}")
        if workflow.status_code != 200:
            raise N8nError(f"reading {workflow_id}: {workflow.text[:300]}")
        version = workflow.json()["data"]["versionId"]
        response = self._rest("POST", f"workflows/{workflow_id}/activate", {"versionId": version})
        if response.status_code != 200:
            raise N8nError(f"activating {workflow_id}: {response.text[:500]}")

    def executions(self) -> list[dict[str, Any]]:
        """Every execution with its saved data, read from n8n's database (what the editor shows)."""
        database = self.user_folder / ".n8n" / "database.sqlite"
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT e.id, e.workflowId, e.status, e.mode, d.data FROM execution_entity e"
                " LEFT JOIN execution_data d ON d.executionId = e.id ORDER BY e.id"
            ).fetchall()
        return [dict(r) for r in rows]

    def stop(self) -> None:
        self.http.close()
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
