"""A start under an id already Pending or Running is told apart from the task hub failing.

The real durable client against a small endpoint answering as the extension's HttpApiHandler
does (the local host never refuses a duplicate id: it replaces the instance and answers 202).
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator

import azure.durable_functions as df
import pytest
from aiohttp import web

from api.durable_start import DurableUnavailable, already_started, start_unless_running

# HttpApiHandler: CreateErrorResponse(HttpStatusCode.Conflict, OrchestrationAlreadyExistsException)
CONFLICT = {"Message": "An Orchestration instance with the status Running already exists."}
FAILED = {"Message": "An error has occurred.", "ExceptionMessage": "Server busy: the table ..."}
ANSWERS = {"dup": (409, CONFLICT), "down": (500, FAILED), "new": (202, {"id": "new"})}


async def _start(request: web.Request) -> web.Response:
    status, body = ANSWERS[request.match_info["instance_id"]]
    return web.json_response(body, status=status)


def _client(port: int) -> df.DurableOrchestrationClient:
    binding = {"taskHubName": "hub", "creationUrls": {}, "managementUrls": {},
               "rpcBaseUrl": f"http://127.0.0.1:{port}/hub/"}  # fmt: skip
    return df.DurableOrchestrationClient(json.dumps(binding))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def client() -> AsyncIterator[df.DurableOrchestrationClient]:
    app = web.Application()
    app.router.add_post("/hub/orchestrators/{name}/{instance_id}", _start)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield _client(port)
    await runner.cleanup()


async def test_a_start_is_told_apart_from_a_duplicate_and_from_a_failure(
    client: df.DurableOrchestrationClient,
) -> None:
    # One test: the client's shared HTTP session belongs to the event loop that made it.
    assert await start_unless_running(client, "free_training_slot", "new", {}) is True
    assert await start_unless_running(client, "free_training_slot", "dup", {}) is False
    with pytest.raises(DurableUnavailable) as failed:
        await start_unless_running(client, "free_training_slot", "down", {})
    assert "Server busy" not in str(failed.value)  # the extension's text stays in the log chain
    with pytest.raises(DurableUnavailable):
        await start_unless_running(_client(_closed_port()), "free_training_slot", "new", {})


def test_only_the_already_exists_refusal_counts_as_started() -> None:
    assert already_started(Exception(CONFLICT))
    assert already_started(Exception(CONFLICT["Message"]))
    assert not already_started(Exception(FAILED))
    assert not already_started(ValueError(CONFLICT["Message"]))  # not the client's bare Exception
