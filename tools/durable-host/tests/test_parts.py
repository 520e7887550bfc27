"""Host parts that need no running server: route templates, settings, retries, the index."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from devhost.http_functions import compile_route
from devhost.loader import index_app, load_app
from devhost.local_settings import load_local_settings
from devhost.retries import retry_delay


def test_route_templates() -> None:
    route = compile_route("items/{id:int}/{rest?}")
    assert route.match("items/5/x").groupdict() == {"id": "5", "rest": "x"}
    assert route.match("Items/5").groupdict() == {"id": "5", "rest": None}
    assert route.match("items") is None
    assert compile_route("files/{*path}").match("files/a/b/c").groupdict() == {"path": "a/b/c"}


def test_index_of_the_conformance_app() -> None:
    index = index_app(load_app("conformance_app:app"))
    assert index is index_app(load_app("conformance_app:app"))  # indexed once
    start = next(f for f in index.http if f.name == "start")
    assert (start.route, start.methods, start.trigger_param, start.client_param) == (
        "start/{name}/{instance_id?}", ("POST",), "req", "client",
    )  # fmt: skip
    assert index.activity("SAY_HELLO") is not None
    assert index.entity("Counter") is not None
    assert index.orchestrator_names["chaining"] == "chaining"


def test_retry_delay_honours_backoff_and_cap() -> None:
    options = {"firstRetryIntervalInMilliseconds": 1000, "maxNumberOfAttempts": 5}
    assert retry_delay(options, 3) == timedelta(seconds=1)
    options |= {"backoffCoefficient": 2, "maxRetryIntervalInMilliseconds": 3000}
    assert [retry_delay(options, n).total_seconds() for n in (1, 2, 3)] == [1, 2, 3]


def test_local_settings_do_not_override_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "local.settings.json"
    path.write_text('{"Values": {"DEVHOST_T_A": "file", "DEVHOST_T_B": "file"}}')
    monkeypatch.setenv("DEVHOST_T_A", "env")
    monkeypatch.delenv("DEVHOST_T_B", raising=False)
    assert load_local_settings(path) == ["DEVHOST_T_B"]
    assert os.environ["DEVHOST_T_A"] == "env"
    assert os.environ["DEVHOST_T_B"] == "file"
    monkeypatch.delenv("DEVHOST_T_B")
