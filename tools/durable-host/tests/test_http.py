"""HTTP functions under /api and the durable client binding, as the Functions host serves them."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import httpx
import pytest

from devhost.binding import DEFAULT_SYSTEM_KEY, SYSTEM_KEY_VARIABLE, client_binding
from devhost.testing import RunningHost
from durable_client import Durable


def test_route_params_query_headers_and_response(http: httpx.Client) -> None:
    response = http.put("/api/echo/word?x=1&y=two", headers={"x-probe": "p"}, content=b"abc")
    assert response.status_code == 201
    assert response.headers["x-echo"] == "1"
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "method": "PUT",
        "route": {"word": "word"},
        "query": {"x": "1", "y": "two"},
        "header": "p",
        "bodyLength": 3,
        "bodyTail": "abc",
    }


def test_optional_route_param_and_methods(http: httpx.Client) -> None:
    assert http.get("/api/echo").json()["route"] == {}
    assert http.delete("/api/echo").status_code == 405
    assert http.get("/api/no-such-function").status_code == 404


def test_body_of_ten_megabytes(http: httpx.Client) -> None:
    body = b"x" * (10 * 1024 * 1024) + b"tail-end"
    response = http.post("/api/echo", content=body)
    assert response.json()["bodyLength"] == len(body)
    assert response.json()["bodyTail"] == "tail-end"


def test_async_function_returning_text(http: httpx.Client, host: RunningHost) -> None:
    key = {"x-functions-key": host.keys.function}
    response = http.get("/api/async-echo", params={"q": "hi"}, headers=key)
    assert response.status_code == 200
    assert response.text == "async hi"


def test_check_status_urls_answer_like_the_extension(durable: Durable) -> None:
    response = durable.api("POST", "/api/start/forever", json=None)
    assert response.status_code == 202
    assert response.headers["location"] == response.json()["statusQueryGetUri"]
    links = response.json()
    assert links["statusQueryGetUri"].startswith(str(durable.http.base_url).rstrip("/"))
    # Like Azure, where the extension's system key is in every link it hands out.
    for name, url in links.items():
        if name != "id":
            assert f"code={DEFAULT_SYSTEM_KEY}" in urlsplit(url).query, name
    running = durable.status(links)
    assert running.status_code == 202
    assert set(running.json()) == {
        "name", "instanceId", "runtimeStatus", "input", "customStatus", "output",
        "createdTime", "lastUpdatedTime",
    }  # fmt: skip
    durable.http.post(links["terminatePostUri"].replace("{text}", "done"))
    assert durable.wait(links)["runtimeStatus"] == "Terminated"
    unknown = links["statusQueryGetUri"].replace(links["id"], "unknown-id")
    assert durable.http.get(unknown).status_code == 404


def test_the_system_key_is_taken_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SYSTEM_KEY_VARIABLE, "key-from-env")
    binding = json.loads(client_binding("http://h:1", "Hub"))
    assert binding["requiredQueryStringParameters"] == "code=key-from-env"
    urls = [*binding["creationUrls"].values(), *binding["managementUrls"].values()]
    assert all(u.endswith("code=key-from-env") for u in urls if u != "INSTANCEID")


def test_wait_for_completion_or_check_status(durable: Durable) -> None:
    done = durable.api("POST", "/api/run/chaining", json="Bo")
    assert done.status_code == 200
    assert done.json() == ["Hello Bo", "Hello Hello Bo", 42]
    pending = durable.api("POST", "/api/run/forever", params={"timeoutMs": "200"}, json=None)
    assert pending.status_code == 202
    assert pending.json()["id"]


def test_start_with_instance_id_and_list_by_prefix(durable: Durable) -> None:
    links = durable.start("chaining", "Cy", instance_id="listed-one")
    assert links["id"] == "listed-one"
    durable.wait(links)
    listed = durable.webhook(
        "GET",
        "/runtime/webhooks/durabletask/instances/",
        params={"instanceIdPrefix": "listed-", "runtimeStatus": "Completed,Failed"},
    ).json()
    assert [i["instanceId"] for i in listed] == ["listed-one"]


def test_history_hides_scheduling_rows_and_output_unless_asked(durable: Durable) -> None:
    links = durable.start("chaining", "Di")
    durable.wait(links)
    plain = durable.status(links, showHistory="true").json()["historyEvents"]
    kinds = [e["EventType"] for e in plain]
    assert kinds == ["ExecutionStarted", "TaskCompleted", "TaskCompleted", "TaskCompleted",
                     "ExecutionCompleted"]  # fmt: skip
    assert "Result" not in plain[1]
    assert plain[1]["FunctionName"] == "say_hello"
    full = durable.status(links, showHistory="true", showHistoryOutput="true").json()
    assert full["historyEvents"][1]["Result"] == "Hello Di"  # parsed, as the extension does


def test_suspend_and_resume(durable: Durable) -> None:
    links = durable.start("with_status")
    durable.wait_for(links, lambda s: s["customStatus"] == {"stage": "waiting"})
    suspend = links["suspendPostUri"].replace("{text}", "pause")
    assert durable.http.post(suspend).status_code == 202
    assert durable.status(links).json()["runtimeStatus"] == "Suspended"
    durable.raise_event(links, "Continue", "later")
    assert durable.status(links).json()["runtimeStatus"] == "Suspended"
    assert durable.http.post(links["resumePostUri"].replace("{text}", "go")).status_code == 202
    assert durable.wait(links)["output"] == "later"


def test_restart_with_new_or_same_instance_id(durable: Durable) -> None:
    links = durable.start("chaining", "Re")
    durable.wait(links)
    base = links["restartPostUri"]
    fresh = durable.http.post(
        httpx.URL(base).copy_merge_params({"restartWithNewInstanceId": "true"})
    )
    assert fresh.status_code == 202
    assert fresh.json()["id"] != links["id"]
    assert durable.wait(fresh.json())["output"] == ["Hello Re", "Hello Hello Re", 42]
    same = durable.http.post(
        httpx.URL(base).copy_merge_params({"restartWithNewInstanceId": "false"})
    )
    assert same.json()["id"] == links["id"]
    assert durable.wait(links)["runtimeStatus"] == "Completed"


def test_rewind_is_not_offered(durable: Durable) -> None:
    # The host cannot rewind as the extension does, so it hands out no rewindPostUri and
    # answers 501 instead of pretending.
    links = durable.start("failing", 1)
    assert durable.wait(links)["runtimeStatus"] == "Failed"
    assert "rewindPostUri" not in links
    url = links["statusQueryGetUri"].replace("?", "/rewind?reason=again&", 1)
    assert durable.http.post(url).status_code == 501
    assert durable.status(links).json()["runtimeStatus"] == "Failed"


def test_an_idle_connection_outlives_the_sdk_s_keep_alive(host: RunningHost) -> None:
    """The Durable SDK's aiohttp session reuses an idle connection for up to 15 s: the host must
    not close one sooner, or a call sent on it as it closes fails (ServerDisconnectedError)."""
    url = urlsplit(host.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        for pause in (0, 6):  # uvicorn's own default closes after 5 s
            time.sleep(pause)
            connection.request("GET", "/api/echo")  # on the same socket: it is never reopened
            response = connection.getresponse()
            assert response.status == 201
            assert json.loads(response.read())["method"] == "GET"
    finally:
        connection.close()
