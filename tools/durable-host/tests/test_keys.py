"""Function keys, as Azure enforces them: per auth level, in the header or in `code`."""

from __future__ import annotations

import httpx
import pytest

from devhost.binding import WEBHOOK_PATH
from devhost.keys import Keys
from devhost.testing import RunningHost, running_host

FUNCTION_ROUTE = "/api/async-echo"  # the app's default level: FUNCTION
ANONYMOUS_ROUTE = "/api/echo"
ADMIN_ROUTE = "/api/host-admin"


def test_a_function_without_a_key_is_401_with_an_empty_body(http: httpx.Client) -> None:
    response = http.get(FUNCTION_ROUTE)
    assert response.status_code == 401
    assert response.content == b""


def test_a_wrong_key_is_401(http: httpx.Client) -> None:
    assert http.get(FUNCTION_ROUTE, headers={"x-functions-key": "wrong"}).status_code == 401
    assert http.get(FUNCTION_ROUTE, params={"code": "wrong"}).status_code == 401


def test_the_key_in_the_header_or_in_code(http: httpx.Client, host: RunningHost) -> None:
    header = http.get(FUNCTION_ROUTE, params={"q": "h"}, headers=host.keys.function_headers())
    assert (header.status_code, header.text) == (200, "async h")
    code = http.get(FUNCTION_ROUTE, params={"q": "c", "code": host.keys.function})
    assert (code.status_code, code.text) == (200, "async c")


def test_higher_keys_open_a_function_too(http: httpx.Client, host: RunningHost) -> None:
    for key in (host.keys.system, host.keys.master):
        assert http.get(FUNCTION_ROUTE, params={"code": key}).status_code == 200


def test_the_header_wins_over_code_as_in_azure(http: httpx.Client, host: RunningHost) -> None:
    response = http.get(
        FUNCTION_ROUTE, params={"code": host.keys.function}, headers={"x-functions-key": "wrong"}
    )
    assert response.status_code == 401


def test_an_anonymous_route_needs_no_key(http: httpx.Client) -> None:
    assert http.get(ANONYMOUS_ROUTE).status_code == 201  # what echo answers


def test_admin_level_takes_the_master_key_only(http: httpx.Client, host: RunningHost) -> None:
    for key in (None, host.keys.function, host.keys.system):
        params = {"code": key} if key else {}
        assert http.get(ADMIN_ROUTE, params=params).status_code == 401
    assert http.get(ADMIN_ROUTE, params={"code": host.keys.master}).text == "admin"


@pytest.mark.parametrize("path", ["/instances", "/entities", "/instances/any-id"])
def test_the_management_api_takes_the_system_or_master_key(
    http: httpx.Client, host: RunningHost, path: str
) -> None:
    url = f"{WEBHOOK_PATH}{path}"
    assert http.get(url).status_code == 401
    assert http.get(url, params={"code": host.keys.function}).status_code == 401
    assert http.get(url, params={"code": host.keys.system}).status_code in (200, 404)
    assert http.get(url, headers={"x-functions-key": host.keys.master}).status_code in (200, 404)


def test_the_admin_api_takes_the_master_key(http: httpx.Client, host: RunningHost) -> None:
    assert http.post("/admin/functions/nope", params={"code": host.keys.system}).status_code == 401
    assert http.post("/admin/functions/nope", params={"code": host.keys.master}).status_code == 404


def test_the_sdk_rpc_base_is_for_loopback_callers_only(http: httpx.Client) -> None:
    # Keyless, as Azure's rpc listener on 127.0.0.1: the SDK's client calls need no key.
    assert http.get("/durabletask/instances/no-such-instance").status_code == 404


def test_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVHOST_MASTER_KEY", "m-env")
    monkeypatch.setenv("DEVHOST_FUNCTION_KEY", "f-env")
    monkeypatch.setenv("DEVHOST_SYSTEM_KEY", "s-env")
    assert Keys.from_env() == Keys(master="m-env", function="f-env", system="s-env")
    with running_host("conformance_app:app") as host, httpx.Client(base_url=host.base_url) as c:
        assert c.get(FUNCTION_ROUTE, params={"code": "f-env"}).status_code == 200
        assert c.get(FUNCTION_ROUTE, params={"code": Keys.from_env({}).function}).status_code == 401
