"""Static checks of infra/ (no Bicep compiler here): well-formed, complete, and free of ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
BICEP_FILES = sorted(INFRA.glob("*.bicep"))
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
PAIRS = {"{": "}", "[": "]", "(": ")"}


def _code_only(text: str) -> str:
    """Bicep text with comments and string literals blanked (keeping interpolations' braces out)."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"'(?:\\.|[^'\\\n])*'", "''", text)


def _params(text: str) -> dict[str, bool]:
    """Parameter name -> has a default."""
    return {
        name: bool(default)
        for name, default in re.findall(
            r"^param (\w+) [\w.]+(?: = (.+))?$", text, flags=re.MULTILINE
        )
    }


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda p: p.name)
def test_delimiters_balance(path: Path) -> None:
    stack: list[str] = []
    for line_no, line in enumerate(_code_only(path.read_text()).splitlines(), 1):
        for char in line:
            if char in PAIRS:
                stack.append(PAIRS[char])
            elif char in PAIRS.values():
                assert stack and stack.pop() == char, f"{path.name}:{line_no}: unbalanced {char}"
    assert stack == [], f"{path.name}: unclosed {stack}"


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda p: p.name)
def test_modules_exist_and_get_every_required_param(path: Path) -> None:
    text = path.read_text()
    for module, call in re.findall(r"^module \w+ '([^']+)' = \{(.*?)^\}", text, re.M | re.S):
        target = INFRA / module
        assert target.exists(), module
        given = set(re.findall(r"^    (\w+):", call.split("params: {", 1)[1], re.MULTILINE))
        declared = _params(target.read_text())
        assert given <= set(declared), f"unknown params {given - set(declared)}"
        required = {name for name, has_default in declared.items() if not has_default}
        assert required <= given, f"missing params {required - given}"


def test_parameters_file_matches_main_bicep() -> None:
    declared = _params((INFRA / "main.bicep").read_text())
    given = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    assert set(given) <= set(declared)
    required = {name for name, has_default in declared.items() if not has_default}
    assert required <= set(given)
    for name, entry in given.items():  # values come from the azd environment, never literals
        assert re.fullmatch(r"\$\{[A-Z_]+(=[^}]*)?\}", entry["value"]), name


def test_no_subscription_tenant_or_object_ids() -> None:
    role_ids = re.search(
        r"^var roles = \{(.*?)^\}", (INFRA / "resources.bicep").read_text(), re.M | re.S
    )
    assert role_ids is not None
    allowed = set(
        GUID.findall(role_ids.group(1))
    )  # built-in role definitions, same in every tenant
    for path in [*BICEP_FILES, INFRA / "main.parameters.json", ROOT / "azure.yaml"]:
        text = path.read_text()
        assert set(GUID.findall(text)) <= allowed, path.name
        assert "/subscriptions/" not in text, path.name


def test_resources_the_service_needs_are_declared() -> None:
    text = (INFRA / "resources.bicep").read_text()
    for needle in [
        "name: 'FC1'",
        "runtime: { name: 'python', version: '3.11' }",
        "kind: 'functionapp,linux'",
        "allowSharedKeyAccess: false",
        "enableRbacAuthorization: true",
        "'azd-service-name': 'api'",
        "Microsoft.Insights/components",
        "Microsoft.OperationalInsights/workspaces",
        "blobServices/containers",
        "tableServices/tables",
        "queueServices/queues",
    ]:
        assert needle in text, needle
    roles = re.search(r"^var identityStorageRoles = \[(.*?)^\]", text, re.M | re.S)
    assert roles is not None
    assert set(roles.group(1).split()) == {
        "roles.storageBlobDataOwner",
        "roles.storageBlobDelegator",
        "roles.storageQueueDataContributor",
        "roles.storageTableDataContributor",
    }


def test_azure_yaml_deploys_this_folder_as_the_function_app() -> None:
    text = (ROOT / "azure.yaml").read_text()
    assert re.search(
        r"^  api:\n    project: \.\n    language: python\n    host: function$", text, re.M
    )
    assert "path: infra" in text
