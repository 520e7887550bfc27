"""Drives the conformance app through its HTTP starter and the status URLs it hands out."""

from __future__ import annotations

import time
from typing import Any

import httpx

from devhost.keys import KEY_HEADER, Keys


class Durable:
    """Drives orchestrations through the app's HTTP starter and the status URLs it returns."""

    def __init__(self, http: httpx.Client, keys: Keys) -> None:
        self.http = http
        self.keys = keys  # the app's starter takes the function key; its links carry `code`

    def start(self, name: str, body: Any = None, instance_id: str | None = None) -> dict[str, Any]:
        path = f"/api/start/{name}" + (f"/{instance_id}" if instance_id else "")
        response = self.api("POST", path, json=body)
        assert response.status_code == 202, response.text
        return response.json()

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call of the app's own functions, with the function key as Azure wants it."""
        return self.http.request(method, path, headers=self.keys.function_headers(), **kwargs)

    def webhook(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call of the durable API by path, with the system key as Azure requires."""
        return self.http.request(method, path, headers={KEY_HEADER: self.keys.system}, **kwargs)

    def status(self, links: dict[str, Any], **query: str) -> httpx.Response:
        # Merged into the link's own query (httpx's `params=` would replace it, key and all).
        return self.http.get(httpx.URL(links["statusQueryGetUri"]).copy_merge_params(query))

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
