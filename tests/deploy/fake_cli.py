"""Stand-ins for the `az` and `azd` command lines: record every call, keep a little state on disk.

Run as `fake_cli.py az ...` or `fake_cli.py azd ...` (the tests put two-line wrappers on PATH).
State lives in $FAKE_CLI_STATE: calls.jsonl, azd environments, Key Vault secrets (with stdin bytes).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

STATE = Path(os.environ["FAKE_CLI_STATE"])


def _load(name: str) -> dict:
    path = STATE / name
    return json.loads(path.read_text()) if path.exists() else {}


def _save(name: str, data: dict) -> None:
    (STATE / name).write_text(json.dumps(data))


def azd(args: list[str]) -> int:
    envs = _load("azd.json")
    current = _load("current.json").get("name")
    match args:
        case ["env", "list", *_]:
            print(json.dumps([{"Name": n, "IsDefault": n == current} for n in envs], indent=2))
        case ["env", "new", name, *_]:
            envs[name] = {}
            _save("current.json", {"name": name})
        case ["env", "select", name]:
            if name not in envs:
                return 1
            _save("current.json", {"name": name})
        case ["env", "set", key, value]:
            envs[current][key] = value
        case ["env", "get-value", key]:
            if key not in envs.get(current, {}):
                return 1
            print(envs[current][key])
        case ["provision", *_]:
            envs[current].update(
                AZURE_RESOURCE_GROUP=f"rg-{current}",
                AZURE_FUNCTION_APP_NAME="func-calendary-x",
                AZURE_FUNCTION_APP_URL="https://func-calendary-x.azurewebsites.net",
                AZURE_KEY_VAULT_NAME="kv-cal-x",
                REPLICATE_WEBHOOK_URL="https://func-calendary-x.azurewebsites.net/api/ReplicateWebHook",
            )
        case ["deploy" | "down", *_]:
            pass
        case _:
            return 2
    _save("azd.json", envs)
    return 0


def az(args: list[str]) -> int:
    secrets = _load("vault.json")
    match args:
        case ["account", "show", "--query", "id", *_]:
            print("sub-from-az-login")
        case ["account", "show", *_] | ["functionapp", "restart", *_]:
            pass
        case ["ad", "signed-in-user", "show", *_]:
            print("object-of-signed-in-user")
        case ["keyvault", "secret", "set", *rest]:
            name = rest[rest.index("--name") + 1]
            assert rest[rest.index("--file") + 1] == "/dev/stdin"
            secrets[name] = sys.stdin.read()
        case ["keyvault", "secret", "show", *rest]:
            return 0 if rest[rest.index("--name") + 1] in secrets else 3
        case _:
            return 2
    _save("vault.json", secrets)
    return 0


def main() -> int:
    tool, args = sys.argv[1], sys.argv[2:]
    with (STATE / "calls.jsonl").open("a") as log:
        log.write(json.dumps([tool, *args]) + "\n")
    return azd(args) if tool == "azd" else az(args)


if __name__ == "__main__":
    sys.exit(main())
