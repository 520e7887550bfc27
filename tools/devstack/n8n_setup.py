"""What a fresh n8n needs before it starts: the credentials and the project's workflows.

Both are imported with n8n's own CLI, as `docs/n8n-setup.md` tells a person to: the workflow
files go in unchanged but for the credential ids and the service's origin, so the loop test
runs the files that ship.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
N8N_DIR = ROOT / "tools" / "n8n"
N8N_BIN = N8N_DIR / "node_modules" / ".bin" / "n8n"
WORKFLOW_DIR = ROOT / "docs" / "n8n"
# The files call the service at `make run`'s address; elsewhere it is replaced on import.
FILES_API_ORIGIN = "http://127.0.0.1:7071"
# The sub-workflow first: the others call it.
WORKFLOW_IDS = ("CalendaryStatusPoll", "CalendaryNotify01", "CalendaryInbound01")
NOTIFY_PATH = "webhook/calendary-notifications"

# `make n8n` beside `make run N8N=1`: the service posts its notifications to this n8n, signed
# with this key. n8n's function-key credential sends the local host's key (`host_keys()`).
LOCAL_PORT = 5678
LOCAL_BROKER_PORT = 5679
LOCAL_NOTIFICATION_KEY = "local-notification-signing-key-not-secret"
LOCAL_NOTIFY_URL = f"http://127.0.0.1:{LOCAL_PORT}/{NOTIFY_PATH}"

TELEGRAM = "REPLACE_WITH_TELEGRAM_CREDENTIAL_ID"
FUNCTION_KEY = "REPLACE_WITH_FUNCTION_KEY_CREDENTIAL_ID"
NOTIFICATION_KEY = "REPLACE_WITH_NOTIFICATION_KEY_CREDENTIAL_ID"
CREDENTIAL_IDS = {
    TELEGRAM: "CalendaryTelegram",
    FUNCTION_KEY: "CalendaryFunctionKey",
    NOTIFICATION_KEY: "CalendaryNotifyKey",
}


def local_delivery_settings(telegram_base_url: str, telegram_token: str) -> dict[str, str]:
    """What `make run N8N=1` adds: notifications go to `make n8n`'s notify workflow, and the
    service can fetch photos n8n names by Telegram file path from the fake Telegram."""
    return {
        # The queue trigger's binding reads the name from the settings, not from a default.
        "NotificationsQueue": "telegram-notifications",
        "NotificationWebhookUrl": LOCAL_NOTIFY_URL,
        "NotificationWebhookSecret": LOCAL_NOTIFICATION_KEY,
        "TelegramBotToken": telegram_token,
        "TelegramApiBaseUrl": telegram_base_url,
    }


class N8nError(RuntimeError):
    """n8n is missing or a step failed; the message says which and where to look."""


@dataclass(frozen=True)
class N8nConfig:
    port: int
    api_origin: str  # the service, without /api
    telegram_base_url: str  # the Bot API n8n talks to (the fake Telegram locally)
    telegram_token: str
    function_key: str  # sent as x-functions-key
    notification_key: str  # the service's NotificationWebhookSecret (signs its JWTs)
    broker_port: int  # n8n 2.x always runs a task broker; two instances need two ports
    owner_email: str = "owner@calendary.local"
    owner_password: str = "Calendary-local-1"  # noqa: S105 - a local, documented login

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def notify_url(self) -> str:
        """The value for the service's NotificationWebhookUrl."""
        return f"{self.url}/{NOTIFY_PATH}"

    def secrets(self) -> tuple[str, ...]:
        return (self.telegram_token, self.function_key, self.notification_key)


def environment(user_folder: Path, config: N8nConfig) -> dict[str, str]:
    """n8n's settings: loopback only, and nothing that calls home (the tests run offline)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(user_folder),
        "N8N_USER_FOLDER": str(user_folder),
        "N8N_PORT": str(config.port),
        "N8N_LISTEN_ADDRESS": "127.0.0.1",
        "N8N_HOST": "127.0.0.1",
        "WEBHOOK_URL": f"{config.url}/",
        "N8N_RUNNERS_BROKER_PORT": str(config.broker_port),
        "N8N_RUNNERS_BROKER_LISTEN_ADDRESS": "127.0.0.1",
        "N8N_DIAGNOSTICS_ENABLED": "false",
        "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
        "N8N_TEMPLATES_ENABLED": "false",
        "N8N_PERSONALIZATION_ENABLED": "false",
        "N8N_HIRING_BANNER_ENABLED": "false",
        "N8N_COMMUNITY_PACKAGES_ENABLED": "false",
        "N8N_LICENSE_AUTO_RENEW_ENABLED": "false",
        "N8N_AI_ENABLED": "false",
        "EXTERNAL_FRONTEND_HOOKS_URLS": "",
        "N8N_SECURE_COOKIE": "false",  # the editor is served over plain http on loopback
        "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS": "true",
        "DB_SQLITE_POOL_SIZE": "2",
        # Ctrl-C should not wait half a minute for executions that poll or wait.
        "N8N_GRACEFUL_SHUTDOWN_TIMEOUT": "5",
        "N8N_LOG_LEVEL": "info",
    }


def credentials(config: N8nConfig) -> list[dict[str, Any]]:
    """Plain-data credentials: `import:credentials` encrypts `data` given as an object."""
    return [
        {
            "id": CREDENTIAL_IDS[TELEGRAM],
            "name": "Telegram bot",
            "type": "telegramApi",
            "data": {"accessToken": config.telegram_token, "baseUrl": config.telegram_base_url},
        },
        {
            "id": CREDENTIAL_IDS[FUNCTION_KEY],
            "name": "Calendary function key",
            "type": "httpHeaderAuth",
            "data": {"name": "x-functions-key", "value": config.function_key},
        },
        {
            "id": CREDENTIAL_IDS[NOTIFICATION_KEY],
            "name": "Calendary notification signing key",
            "type": "jwtAuth",
            "data": {
                "keyType": "passphrase",
                "secret": config.notification_key,
                "algorithm": "HS256",
            },
        },
    ]


def workflow_files(api_origin: str) -> dict[str, str]:
    """Each shipped file's text with the credential ids filled in and the service's origin."""
    texts = {}
    for path in sorted(WORKFLOW_DIR.glob("*.json")):
        text = path.read_text(encoding="utf-8").replace(FILES_API_ORIGIN, api_origin)
        for placeholder, real in CREDENTIAL_IDS.items():
            text = text.replace(placeholder, real)
        texts[path.name] = text
    return texts


def run_cli(env: Mapping[str, str], *args: str, expect: str, timeout: float = 120) -> str:
    """One n8n CLI command; its success line is checked, since some failures exit with 0."""
    if not N8N_BIN.exists():
        raise N8nError(f"n8n is not installed in {N8N_DIR}: run `make n8n` (it installs it)")
    done = subprocess.run(  # noqa: S603 - our pinned n8n
        [str(N8N_BIN), *args], env=dict(env), capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0 or expect not in done.stdout:
        raise N8nError(f"n8n {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def import_project(user_folder: Path, config: N8nConfig) -> None:
    """Credentials, then workflows (`--separate`, the documented command), into `user_folder`.

    The credentials file holds the secrets in clear, so it lives in a private temporary
    directory only while n8n reads it.
    """
    env = environment(user_folder, config)
    with tempfile.TemporaryDirectory(prefix="n8n-import-") as tmp:
        creds = Path(tmp) / "credentials.json"
        creds.touch(mode=0o600)
        creds.write_text(json.dumps(credentials(config)), encoding="utf-8")
        run_cli(env, "import:credentials", f"--input={creds}", expect="Successfully imported")
        creds.unlink()
        folder = Path(tmp) / "workflows"
        folder.mkdir()
        for name, text in workflow_files(config.api_origin).items():
            (folder / name).write_text(text, encoding="utf-8")
        run_cli(
            env,
            "import:workflow",
            "--separate",
            f"--input={folder}",
            expect="Successfully imported",
        )
