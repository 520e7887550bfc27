"""Imports point one way: no cycles among the project's modules, and no arrow the layout forbids
(the product importing tooling, the fakes or the Durable host importing the product, the domain
package importing the Functions layer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.structure import import_graph
from tests.structure.modules import PRODUCT, Module, everything

# The groups the forbidden arrows are drawn between, as top-level packages.
TOOLING = ("tools.fakes", "tools.devstack", "devhost", "bench")
FUNCTIONS_LAYER = ("function_app", "api", "activities", "orchestrators", "entities", "timers")

# (importer, imported, why not): each a group of top-level packages.
FORBIDDEN = [
    (PRODUCT, TOOLING, "the product imports no tooling"),
    (("tools.fakes",), PRODUCT, "the fakes stand in for real services and know nothing of ours"),
    (("devhost",), PRODUCT, "the Durable host runs any app and knows nothing of this one"),
    (("calendary",), FUNCTIONS_LAYER, "the domain and adapters sit below the Functions layer"),
]


def _within(module: str, groups: tuple[str, ...]) -> bool:
    return any(module == g or module.startswith(g + ".") for g in groups)


@pytest.fixture(scope="module")
def graph() -> import_graph.Graph:
    return import_graph.build(everything())


def test_the_graph_sees_the_imports_it_must(graph: import_graph.Graph) -> None:
    # A walk that missed a kind of import would find no cycles and no forbidden arrows for the
    # wrong reason.
    assert "api.routes" in graph["api.openapi_spec"]  # from api import routes
    assert "api.health" in graph["function_app"]  # from api import (..., health, ...)
    assert "calendary.faces.compare" in graph["activities.photo_checks"]  # inside a function
    assert "tools.fakes.replicate.account" in graph["tools.fakes.replicate.guard"]  # TYPE_CHECKING
    assert len(graph) > 200


def test_no_import_cycles(graph: import_graph.Graph) -> None:
    found = import_graph.cycles(graph)
    assert found == [], f"modules that import each other (directly or around a loop): {found}"


@pytest.mark.parametrize(("importer", "imported", "why"), FORBIDDEN, ids=lambda v: str(v)[:40])
def test_no_forbidden_arrows(
    graph: import_graph.Graph, importer: tuple[str, ...], imported: tuple[str, ...], why: str
) -> None:
    arrows = [
        f"{source} -> {target}"
        for source, targets in sorted(graph.items())
        if _within(source, importer)
        for target in sorted(targets)
        if _within(target, imported)
    ]
    assert arrows == [], f"{why}: {arrows}"


def test_relative_imports_resolve_against_their_package(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("from . import b\nfrom .c import x\nfrom .. import d\n")
    (tmp_path / "p.py").write_text("from . import b\nfrom .c import x\n")
    module = Module("pkg.sub.m", tmp_path / "m.py", is_package=False)
    package = Module("pkg.sub", tmp_path / "p.py", is_package=True)
    assert list(import_graph.imported_names(module)) == ["pkg.sub.b", "pkg.sub.c.x", "pkg.d"]
    assert list(import_graph.imported_names(package)) == ["pkg.sub.b", "pkg.sub.c.x"]


def test_a_loop_of_three_is_one_cycle_and_a_tail_into_it_none() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_graph.cycles(graph) == [["a", "b", "c"]]
