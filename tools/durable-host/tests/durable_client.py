"""Drives the conformance app through its HTTP starter and the status URLs it hands out."""

from __future__ import annotations

import time
from typing import Any

import httpx


class Durable:
    """Drives orchestrations through the app's HTTP starter and the status URLs it returns."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def start(self, name: str, body: Any = None, instance_id: str | None = None) -> dict[str, Any]:
        path = f"/api/start/{name}" + (f"/{instance_id}" if instance_id else "")
        response = self.http.post(path, json=body)
        assert response.status_code == 202, response.text
        return response.json()

    def status(self, links: dict[str, Any], **query: str) -> httpx.Response:
        return self.http.get(links["statusQueryGetUri"], params=query)

    def wait(self, links: dict[str, Any], timeout: float = 30, **query: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            response = self.status(links, **query)
            if response.status_code == 200:
                return response.json()
            assert response.status_code == 202, response.text
            if time.monotonic() > deadline:
                raise AssertionError(f"still {response.json()['runtimeStatus']}: {links['id']}")
            time.sleep(0.02)

    def wait_for(
        self, links: dict[str, Any], predicate: Any, timeout: float = 30
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            body = self.status(links, showHistory="true").json()
            if predicate(body):
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not reached: {body}")
            time.sleep(0.02)

    def raise_event(self, links: dict[str, Any], name: str, value: Any) -> httpx.Response:
        url = links["sendEventPostUri"].replace("{eventName}", name)
        return self.http.post(url, json=value)
