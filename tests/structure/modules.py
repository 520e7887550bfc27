"""The project's own modules, product and tooling, found on disk, named as Python imports them."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Top-level packages and modules of the Functions app, importable from the repository root.
PRODUCT = ("function_app", "api", "activities", "orchestrators", "entities", "timers", "calendary")
# Local tooling: (folder it is imported from, package). The Durable host is a package of its own,
# installed from tools/durable-host, so it is imported as `devhost`.
TOOLING = (
    (ROOT, "tools.fakes"),
    (ROOT, "tools.devstack"),
    (ROOT / "tools" / "durable-host", "devhost"),
    (ROOT, "bench"),
)


@dataclass(frozen=True)
class Module:
    name: str  # dotted, as imported
    path: Path
    is_package: bool  # an __init__.py: its relative imports resolve inside it

    @property
    def tree(self) -> ast.Module:
        return _parse(self.path)

    @property
    def relative(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


@cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _package(base: Path, package: str) -> list[Module]:
    folder = base.joinpath(*package.split("."))
    if not folder.is_dir():  # a single-file module such as function_app.py
        return [Module(package, base / f"{package}.py", False)]
    found = []
    for path in sorted(folder.rglob("*.py")):
        if "node_modules" in path.parts:
            continue
        parts = list(path.relative_to(base).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found.append(Module(".".join(parts), path, is_package))
    return found


@cache
def product() -> tuple[Module, ...]:
    return tuple(m for name in PRODUCT for m in _package(ROOT, name))


@cache
def tooling() -> tuple[Module, ...]:
    return tuple(m for base, name in TOOLING for m in _package(base, name))


def everything() -> tuple[Module, ...]:
    return product() + tooling()
