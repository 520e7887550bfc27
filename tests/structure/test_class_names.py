"""One name, one meaning: no two product modules define a class of the same name.

Two `FaceDistances` (an activity's answer and an entity operation's result) had to be imported
`as` something else to meet in one module; a reader of either name should not have to ask which.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.structure.modules import Module, product


def class_names(modules: tuple[Module, ...]) -> dict[str, list[str]]:
    """Each class name defined at the top of a module, with the modules defining it."""
    found: dict[str, list[str]] = defaultdict(list)
    for module in modules:
        for node in module.tree.body:
            if isinstance(node, ast.ClassDef):
                found[node.name].append(module.name)
    return found


def test_the_walk_finds_the_classes_it_must() -> None:
    # A walk that saw no classes would find no clashes for the wrong reason.
    names = class_names(product())
    assert names["TrainingProgress"] == ["orchestrators.contracts"]
    assert names["FaceDistances"] == ["activities.contracts"]


def test_no_two_product_modules_define_a_class_of_the_same_name() -> None:
    clashes = {name: where for name, where in class_names(product()).items() if len(where) > 1}
    assert clashes == {}


def test_a_clash_is_reported_with_both_modules(tmp_path: Path) -> None:
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("class Outcome: ...\n", encoding="utf-8")
    second.write_text("def f() -> None: ...\n\n\nclass Outcome: ...\n", encoding="utf-8")
    modules = (Module("a", first, False), Module("b", second, False))
    assert class_names(modules) == {"Outcome": ["a", "b"]}
