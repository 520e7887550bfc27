"""The HTTP calls of the demo, made the way N8N makes them, with a clear error for each failure."""

from __future__ import annotations

import time
from typing import Any

import httpx

RUNNING = ("Running", "Pending")


class DemoFailed(Exception):
    """A step of the demo failed; the message says which and why."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step


class Api:
    """Calls the service's HTTP API and keeps every answer's text (the demo checks it for leaks)."""

    def __init__(self, http: httpx.Client, base_url: str, poll_interval: float = 0.5) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.poll_interval = poll_interval
        self.answers: list[str] = []

    def request(
        self, step: str, method: str, url: str, body: Any = None, ok: tuple[int, ...] = (200,)
    ) -> tuple[int, dict[str, Any]]:
        if url.startswith("/"):
            url = self.base_url + url
        try:
            response = self.http.request(method, url, json=body)
        except httpx.HTTPError as exc:
            raise DemoFailed(step, f"no answer from {url} ({type(exc).__name__}: {exc})") from exc
        self.answers.append(response.text)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code not in ok or not isinstance(payload, dict):
            error = payload.get("error") if isinstance(payload, dict) else None
            detail = error or response.text[:300] or "(empty body)"
            raise DemoFailed(step, f"{method} {url} answered {response.status_code}: {detail}")
        return response.status_code, payload

    def post(self, step: str, route: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A starter: 200 with the result, or 202 with the Durable check-status payload."""
        return self.request(step, "POST", f"/api/{route}", body, ok=(200, 202))

    def follow(self, step: str, status_url: str, timeout: float, done: Any = None) -> dict:
        """Poll a 202's `statusQueryGetUri` (the service's instance route) until the instance
        finished (or `done(status)`); returns the answer's `data`."""
        deadline = time.monotonic() + timeout
        while True:
            _, body = self.request(step, "GET", status_url, ok=(200, 202))
            status = body.get("data") or {}
            runtime = status.get("runtimeStatus")
            if runtime not in RUNNING or (done is not None and done(status)):
                if runtime in ("Failed", "Terminated", "Canceled"):
                    raise DemoFailed(step, f"the workflow ended {runtime}: {status.get('output')}")
                return status
            if time.monotonic() > deadline:
                raise DemoFailed(step, f"still {runtime} after {timeout:.0f} s ({status_url})")
            time.sleep(self.poll_interval)

    def read_workflows(self, step: str, instance_ids: list[str]) -> None:
        """Each instance's status with input and full history, as anyone holding a status link
        may read it; the answers join those checked for the bot token."""
        full = "showInput=true&showHistory=true&showHistoryOutput=true"
        for instance_id in instance_ids:
            url = f"/runtime/webhooks/durabletask/instances/{instance_id}?{full}"
            self.request(step, "GET", url)

    def chat_status(self, step: str, user_id: str) -> dict[str, Any]:
        _, body = self.request(step, "GET", f"/api/chats/{user_id}/status")
        return body["data"]
