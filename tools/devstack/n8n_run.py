"""`make n8n`: n8n on 127.0.0.1:5678 with the project's workflows, credentials and an owner,
beside `make run N8N=1`, until Ctrl-C. Each start begins with a fresh n8n folder in .local/n8n/."""

from __future__ import annotations

import shutil
import signal
import sys
import time

from tools.devstack import azurite
from tools.devstack.n8n import N8n
from tools.devstack.n8n_setup import (
    LOCAL_BROKER_PORT,
    LOCAL_NOTIFICATION_KEY,
    LOCAL_PORT,
    N8nConfig,
    N8nError,
)
from tools.devstack.photos import BOT_TOKEN
from tools.devstack.stack import Ports, host_answers, host_keys

FOLDER = azurite.ROOT / ".local" / "n8n"
PORTS = Ports()


def local_config(ports: Ports = PORTS) -> N8nConfig:
    return N8nConfig(
        port=LOCAL_PORT,
        api_origin=ports.api,
        telegram_base_url=f"http://127.0.0.1:{ports.photos}",
        telegram_token=BOT_TOKEN,
        function_key=host_keys().function,  # the key `make run`'s host checks
        notification_key=LOCAL_NOTIFICATION_KEY,
        broker_port=LOCAL_BROKER_PORT,
    )


def banner(config: N8nConfig, ports: Ports = PORTS) -> str:
    user = f"http://127.0.0.1:{ports.photos}/_fake/users/42"
    return (
        "\nn8n is running with the Calendary Kaizen workflows (all active):\n"
        f"  Editor     {config.url}  (login {config.owner_email} / {config.owner_password})\n"
        f"  Notices    {config.notify_url} (the service posts here)\n"
        f"  Telegram   the fake Bot API on :{ports.photos}; be a user (chat 42) with:\n"
        f"    curl -X POST {user}/album -F p=@a.jpg -F p=@b.jpg -F p=@c.jpg\n"
        f"    curl -X POST {user}/photo --data-binary @d.jpg -H 'Content-Type: image/jpeg'\n"
        f"    curl -X POST {user}/text -H 'Content-Type: application/json' \\\n"
        f'         -d \'{{"text": "/train"}}\'   (then any other text is a prompt)\n'
        f"    curl http://127.0.0.1:{ports.photos}/_fake/sent?chat_id=42   (what the bot sent)\n"
        f"  Log        {FOLDER / 'n8n.log'}\n"
        "Press Ctrl-C to stop.\n"
    )


def main() -> int:
    ports, config = PORTS, local_config()
    if not host_answers(ports.api):
        print("make n8n: no service on :7071; start `make run N8N=1` first.", file=sys.stderr)
        return 1
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    shutil.rmtree(FOLDER, ignore_errors=True)
    (FOLDER / "home").mkdir(parents=True)
    n8n = N8n(config, FOLDER / "home")
    code = 0
    with (FOLDER / "n8n.log").open("wb") as log:
        try:
            started = time.monotonic()
            n8n.start(log)
            print(banner(config), f"(ready in {time.monotonic() - started:.0f} s)", flush=True)
            while not stopping and n8n.process is not None and n8n.process.poll() is None:
                time.sleep(0.2)
            if not stopping:
                print("n8n stopped unexpectedly; see the log.", file=sys.stderr)
                code = 1
        except N8nError as exc:
            print(f"make n8n: {exc}", file=sys.stderr)
            code = 1
        finally:
            n8n.stop()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
