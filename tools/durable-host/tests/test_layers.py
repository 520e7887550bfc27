"""The host's import graph: no cycles, and the pure step imports nothing that does I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import devhost

PACKAGE = Path(devhost.__file__).parent
PURE = ("devhost.decide", "devhost.schedule", "devhost.effects")
IMPURE = {"asyncio", "sqlite3", "time", "socket", "httpx", "devhost.engine", "devhost.store",
          "devhost.writer", "devhost.clock", "devhost.invoke"}  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module it imports, for typing only or inside a function too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def test_no_module_of_the_host_imports_one_that_imports_it_back() -> None:
    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for target in GRAPH.get(todo.pop(), set()) & GRAPH.keys():
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    cycles = sorted(name for name in GRAPH if name in reach(name))
    assert "devhost.engine" in GRAPH and cycles == []


def test_the_pure_step_imports_no_io_and_no_engine() -> None:
    for name in PURE:
        assert GRAPH[name], name
        assert not GRAPH[name] & IMPURE, name
