"""Orchestrators replay, so they only compose: their source is read here for I/O and clocks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ORCHESTRATORS = sorted((Path(__file__).parents[2] / "orchestrators").glob("*.py"))

# Modules an orchestrator may import: the SDK, pure models and rules, activity/entity references.
ALLOWED_IMPORTS = (
    "__future__",
    "collections.abc",
    "typing",
    "json",
    "logging",
    "azure.durable_functions",
    "pydantic",
    "calendary.domain",
    "orchestrators",
    "activities",
    "entities",
)
ALLOWED_FROM_DATETIME = {"timedelta"}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "uuid4", "uuid1", "random", "randint", "sleep", "time"}


def _imports(tree: ast.AST) -> list[tuple[str, list[str]]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", [a.name for a in node.names]))
    return found


@pytest.mark.parametrize("path", ORCHESTRATORS, ids=lambda p: p.name)
def test_orchestrator_imports_nothing_that_does_io(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for module, names in _imports(tree):
        if module == "datetime":
            assert set(names) <= ALLOWED_FROM_DATETIME, f"{path.name}: datetime.{names}"
            continue
        assert module.startswith(ALLOWED_IMPORTS), f"{path.name} imports {module}"


@pytest.mark.parametrize("path", ORCHESTRATORS, ids=lambda p: p.name)
def test_orchestrator_reads_no_clock_randomness_or_settings(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}()"
            assert name != "get_settings", f"{path.name}:{node.lineno} reads settings"
        if isinstance(node, ast.Attribute) and node.attr == "environ":
            raise AssertionError(f"{path.name}:{node.lineno} reads the environment")


def test_the_rules_see_every_orchestrator_module() -> None:
    assert {p.stem for p in ORCHESTRATORS} >= {"upload_images", "train_model", "generate_image"}
