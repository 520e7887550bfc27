"""The static import graph of the project's own modules, read with `ast`, and its cycles."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tests.structure.modules import Module

Graph = dict[str, set[str]]


def imported_names(module: Module) -> Iterator[str]:
    """Every name the module imports, at the top, inside functions and under `if TYPE_CHECKING:`
    alike (`ast.walk` sees them all): a type-only import is still a dependency between the two
    modules, and a cycle through one still means neither can be read or moved without the other.
    `from x import y` gives `x.y`: `build` takes it for the module `x.y` when there is one, else
    for `x`."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    # A package's own `.` is itself; a module's `.` is its package.
    keep = len(parts) - node.level + (1 if module.is_package else 0)
    return ".".join(parts[:keep] + ([node.module] if node.module else []))


def build(modules: tuple[Module, ...]) -> Graph:
    """module -> the project's modules it imports (third-party imports are left out)."""
    known = {m.name for m in modules}
    graph: Graph = {}
    for module in modules:
        targets = {_owner(name, known) for name in imported_names(module)}
        graph[module.name] = {t for t in targets if t and t != module.name}
    return graph


def _owner(name: str, known: set[str]) -> str | None:
    """The longest known module `name` is or lies in (`x.y` of `from x import y` may be a
    function of `x`)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def cycles(graph: Graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)
