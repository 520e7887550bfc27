"""Every module, product, tooling and tests alike, opens with a docstring saying what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.structure.modules import ROOT, everything

# Tests count too: a test module's first line says what behaviour it pins down. Empty
# `__init__.py` files under the test folders are left out: they only let pytest name test modules
# by package and hold nothing to describe.
TEST_FOLDERS = (ROOT / "tests", ROOT / "tools" / "durable-host" / "tests")
MIN_WORDS = 4  # "Fixtures." or a bare module name says nothing of what it is for


def _test_modules() -> list[Path]:
    return [
        path
        for folder in TEST_FOLDERS
        for path in sorted(folder.rglob("*.py"))
        if not (path.name == "__init__.py" and not path.read_text(encoding="utf-8").strip())
    ]


def first_line_problem(source: str) -> str | None:
    """Why the module's opening does not say what it is for; None when it does."""
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree, clean=True)
    if docstring is None:
        return "no module docstring as the first statement"
    first = docstring.splitlines()[0].strip() if docstring.strip() else ""
    if len(first.split()) < MIN_WORDS:
        return f"first line too short to say what the module is for: {first!r}"
    return None


def test_every_module_opens_with_a_docstring_saying_what_it_is_for() -> None:
    paths = [m.path for m in everything()] + _test_modules()
    assert len(paths) > 300
    problems = []
    for path in paths:
        problem = first_line_problem(path.read_text(encoding="utf-8"))
        if problem:
            problems.append(f"{path.relative_to(ROOT)}: {problem}")
    assert problems == [], "\n".join(problems)


def test_the_rule_refuses_a_missing_late_or_empty_docstring() -> None:
    assert first_line_problem("import os\n") == "no module docstring as the first statement"
    assert first_line_problem('import os\n"""Too late to be the docstring."""\n') is not None
    assert first_line_problem('"""Helpers."""\n') is not None
    assert first_line_problem('""""""\n') is not None
    assert first_line_problem('"""Reads the settings once, at the edges."""\n') is None


def test_product_packages_are_covered() -> None:
    names = {m.name for m in everything()}
    assert {"function_app", "api.uploads", "calendary.settings", "devhost.engine"} <= names
