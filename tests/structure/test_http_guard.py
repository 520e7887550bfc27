"""Every HTTP function that reaches storage or the task hub answers their failures itself: its
handler carries `@answers_failures` (api/failures.py) directly above the `def`."""

from __future__ import annotations

import ast

from tests.structure.modules import product


def _handlers() -> list[tuple[str, ast.AsyncFunctionDef]]:
    """The routed async functions of the `api` package, with their module."""
    return [
        (module.name, node)
        for module in product()
        if module.name.startswith("api.")
        for node in module.tree.body
        if isinstance(node, ast.AsyncFunctionDef)
        and any(
            isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "route"
            for d in node.decorator_list
        )
    ]


def test_every_async_route_answers_its_failures() -> None:
    handlers = _handlers()
    assert len(handlers) >= 7  # uploads, trainings, generations, webhook, status, erase, instances
    unguarded = [
        f"{name}:{node.name}"
        for name, node in handlers
        if not (
            isinstance(node.decorator_list[-1], ast.Name)
            and node.decorator_list[-1].id == "answers_failures"
        )
    ]
    assert unguarded == []
