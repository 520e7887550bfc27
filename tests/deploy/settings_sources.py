"""Where setting names come from: the code, the Bicep app settings, local.settings.example.json."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import AliasChoices

from calendary.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# What Azure runs. Local tooling (devhost, devstack, fakes, bench) reads its own variables.
PRODUCT_CODE = (
    "function_app.py",
    "api",
    "activities",
    "orchestrators",
    "entities",
    "timers",
    "calendary",
)
BINDING_EXPRESSION = re.compile(r"^%([A-Za-z_][A-Za-z0-9_]*)%$")


def settings_aliases() -> set[str]:
    """App-setting names of `Settings`: aliases and alias choices, not the Python field names."""
    names: set[str] = set()
    for field_name, field in Settings.model_fields.items():
        if isinstance(field.validation_alias, AliasChoices):
            names.update(
                c for c in field.validation_alias.choices if isinstance(c, str) and c != field_name
            )
        elif isinstance(field.validation_alias, str):
            names.add(field.validation_alias)
        elif field.alias:
            names.add(field.alias)
    return names


def environment_reads(source: str) -> set[str]:
    """Names read via os.environ[...], os.environ.get(...), os.getenv(...), and %Name% strings."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            names.update(_literal(node.slice))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if (
                isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value)
            ) or (
                isinstance(func, ast.Attribute)
                and func.attr == "getenv"
                and isinstance(func.value, ast.Name)
                and func.value.id == "os"
            ):
                names.update(_literal(node.args[0]))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.update(BINDING_EXPRESSION.findall(node.value))
    return names


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _literal(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    return set()


def product_files() -> Iterable[Path]:
    for entry in PRODUCT_CODE:
        path = ROOT / entry
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def code_settings() -> set[str]:
    names = settings_aliases()
    for path in product_files():
        names |= environment_reads(path.read_text(encoding="utf-8"))
    return names


def bicep_app_settings(text: str | None = None) -> dict[str, str]:
    """Keys and raw value expressions of `var appSettings = { ... }` in infra/resources.bicep."""
    if text is None:
        text = (ROOT / "infra" / "resources.bicep").read_text(encoding="utf-8")
    match = re.search(r"^var appSettings = \{\n(.*?)^\}", text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise AssertionError("infra/resources.bicep has no `var appSettings = {` block")
    pairs = re.findall(r"^  ([A-Za-z_][A-Za-z0-9_]*): (.+)$", match.group(1), re.MULTILINE)
    return dict(pairs)


def bicep_string_vars() -> dict[str, str]:
    """`var name = 'literal'` lines of infra/resources.bicep."""
    text = (ROOT / "infra" / "resources.bicep").read_text(encoding="utf-8")
    return dict(re.findall(r"^var ([A-Za-z_][A-Za-z0-9_]*) = '([^'$]*)'$", text, re.MULTILINE))


def local_settings() -> dict[str, str]:
    text = (ROOT / "local.settings.example.json").read_text(encoding="utf-8")
    return json.loads(text)["Values"]
