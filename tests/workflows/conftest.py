"""The product's orchestrators, as the real app registers them, ready to replay from a test."""

from __future__ import annotations

from typing import Any

import pytest

from devhost.loader import FunctionIndex, index_app, load_app
from tests.workflows.replay import Replay, Start


@pytest.fixture(scope="session")
def app_index() -> FunctionIndex:
    return index_app(load_app("function_app:app"))


@pytest.fixture
def start(app_index: FunctionIndex) -> Start:
    """`start("train_model", input, version="1.1")`: a new instance's history, not yet run."""

    def begin(name: str, input_: Any, **options: Any) -> Replay:
        handle = app_index.orchestrator(name)
        assert handle is not None, f"the app has no orchestrator {name}"
        return Replay(handle, input_, name=name, **options)

    return begin
