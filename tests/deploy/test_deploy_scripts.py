"""The deploy/ scripts: shellcheck clean, --help without Azure, and their az/azd calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "deploy").glob("*.sh"))
ENTRY_POINTS = [p for p in SCRIPTS if p.name != "common.sh"]
SHELLCHECK = Path(sys.executable).with_name("shellcheck")
FAKE = Path(__file__).with_name("fake_cli.py")


def test_the_seeds_four_scripts_exist_and_are_executable() -> None:
    assert {p.name for p in ENTRY_POINTS} == {
        "azure-setup.sh",
        "set-secrets.sh",
        "azure-deploy-code.sh",
        "azure-teardown.sh",
    }
    for path in ENTRY_POINTS:
        assert os.access(path, os.X_OK), path.name
        assert "set -euo pipefail" in path.read_text()


@pytest.mark.parametrize(
    "path", [*SCRIPTS, ROOT / ".ci" / "run"], ids=lambda p: str(p.relative_to(ROOT))
)
def test_shellcheck_clean(path: Path) -> None:
    result = subprocess.run(
        [str(SHELLCHECK), "--external-sources", "--severity=style", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


@pytest.fixture
def cli(tmp_path: Path) -> dict[str, str]:
    """Environment with recording fakes of az and azd first on PATH, and no Azure variables."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("az", "azd"):
        wrapper = bin_dir / tool
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" {tool} "$@"\n')
        wrapper.chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "REPLICATE_"))}
    env.update(PATH=f"{bin_dir}:/usr/bin:/bin", FAKE_CLI_STATE=str(state))
    return env


def _run(
    script: str, *args: str, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "deploy" / script), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _calls(env: dict[str, str]) -> list[list[str]]:
    log = Path(env["FAKE_CLI_STATE"]) / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.parametrize("path", ENTRY_POINTS, ids=lambda p: p.name)
def test_help_works_without_azure(path: Path, cli: dict[str, str]) -> None:
    result = _run(path.name, "--help", env=cli)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: deploy/" + path.name)
    assert _calls(cli) == []
    bad = _run(path.name, "--no-such-flag", env=cli)
    assert bad.returncode != 0
    assert "unknown argument: --no-such-flag" in bad.stderr


def test_missing_az_is_a_clear_error(cli: dict[str, str]) -> None:
    cli["PATH"] = "/usr/bin:/bin"
    result = _run("azure-setup.sh", "--env", "dev", env=cli)
    assert result.returncode == 1
    assert "'az' is not installed" in result.stderr


def test_setup_is_idempotent_and_takes_ids_from_the_login(cli: dict[str, str]) -> None:
    args = ("--env", "dev", "--location", "westeurope", "--replicate-owner", "alice")
    assert _run("azure-setup.sh", *args, env=cli).returncode == 0
    second = _run("azure-setup.sh", "--env", "dev", env=cli)  # remembers location and owner
    assert second.returncode == 0, second.stderr
    calls = _calls(cli)
    assert sum(c[:3] == ["azd", "env", "new"] for c in calls) == 1
    assert sum(c[:2] == ["azd", "provision"] for c in calls) == 2
    assert ["azd", "env", "set", "AZURE_SUBSCRIPTION_ID", "sub-from-az-login"] in calls
    assert ["azd", "env", "set", "AZURE_PRINCIPAL_ID", "object-of-signed-in-user"] in calls
    assert calls.count(["azd", "env", "set", "AZURE_LOCATION", "westeurope"]) == 2


def test_setup_without_region_fails_before_provisioning(cli: dict[str, str]) -> None:
    result = _run("azure-setup.sh", "--env", "dev", "--replicate-owner", "alice", env=cli)
    assert result.returncode == 1
    assert "no region" in result.stderr
    assert not any(c[:2] == ["azd", "provision"] for c in _calls(cli))


def test_secrets_go_through_stdin_and_flip_the_vault_flags(cli: dict[str, str]) -> None:
    setup = ("--env", "dev", "--location", "westeurope", "--replicate-owner", "alice")
    assert _run("azure-setup.sh", *setup, env=cli).returncode == 0
    secrets = {"REPLICATE_API_KEY": "r8_SECRETVALUE", "TELEGRAM_BOT_TOKEN": "123456:ABC-tokenvalue"}
    result = _run("set-secrets.sh", "--env", "dev", env={**cli, **secrets})
    assert result.returncode == 0, result.stderr
    vault = json.loads((Path(cli["FAKE_CLI_STATE"]) / "vault.json").read_text())
    assert vault == {
        "ReplicateApiKey": "r8_SECRETVALUE",
        "TelegramBotToken": "123456:ABC-tokenvalue",
    }
    calls = _calls(cli)
    flat = json.dumps(calls)
    assert "r8_SECRETVALUE" not in flat and "ABC-tokenvalue" not in flat  # never in argv
    assert ["azd", "env", "set", "TELEGRAM_BOT_TOKEN_IN_VAULT", "true"] in calls
    assert sum(c[:2] == ["azd", "provision"] for c in calls) == 2  # setup + settings update
    # Again with the same secrets: the flags are already on, so only a restart follows.
    again = _run("set-secrets.sh", "--env", "dev", env={**cli, **secrets})
    assert again.returncode == 0, again.stderr
    calls = _calls(cli)
    assert sum(c[:2] == ["azd", "provision"] for c in calls) == 2
    assert calls[-1][:2] == ["az", "functionapp"]


def test_set_secrets_requires_the_replicate_key_once(cli: dict[str, str]) -> None:
    setup = ("--env", "dev", "--location", "westeurope", "--replicate-owner", "alice")
    assert _run("azure-setup.sh", *setup, env=cli).returncode == 0
    result = _run("set-secrets.sh", "--env", "dev", env=cli)
    assert result.returncode == 1
    assert "REPLICATE_API_KEY is not set" in result.stderr, result.stderr


def test_deploy_and_teardown(cli: dict[str, str]) -> None:
    assert _run("azure-teardown.sh", "--env", "dev", "--yes", env=cli).returncode == 0
    assert not any(c[:2] == ["azd", "down"] for c in _calls(cli))  # nothing provisioned yet
    setup = ("--env", "dev", "--location", "westeurope", "--replicate-owner", "alice")
    assert _run("azure-setup.sh", *setup, env=cli).returncode == 0
    deployed = _run("azure-deploy-code.sh", "--env", "dev", env=cli)
    assert deployed.returncode == 0, deployed.stderr
    assert "/api/openapi.json" in deployed.stderr
    refused = _run("azure-teardown.sh", "--env", "dev", env=cli, stdin="wrong\n")
    assert refused.returncode == 1
    assert not any(c[:2] == ["azd", "down"] for c in _calls(cli))
    confirmed = _run("azure-teardown.sh", "--env", "dev", env=cli, stdin="dev\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert ["azd", "down", "--force", "--purge", "--no-prompt", "--environment", "dev"] in _calls(
        cli
    )
