"""`make demo`: the whole flow against `make run` (or a stack of its own when none is running).

python -m tools.devstack.demo [--base-url http://127.0.0.1:7071] [--user-id N] [--out .local/demo]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from devhost.key_auth import KeyAuth
from tools.devstack import photos
from tools.devstack.demo_api import Api, DemoFailed
from tools.devstack.demo_flow import DemoResult, Storage, run_flow
from tools.devstack.stack import (
    ROOT,
    LocalStack,
    Ports,
    StackError,
    host_answers,
    host_keys,
    local_environment,
)

DEFAULT_OUT = ROOT / ".local" / "demo"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.devstack.demo", description=__doc__)
    parser.add_argument("--base-url", default=Ports().api, help="the host (default: make run's)")
    parser.add_argument("--user-id", help="Telegram chat id to use (default: a new one)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where files are saved")
    return parser.parse_args(argv)


def leaks(result: DemoResult, api: Api, log: Path | None) -> list[str]:
    """Where the bot token of the photo URLs shows up; it must be nowhere."""
    places = {"API answers": "\n".join(api.answers)}
    places["notifications"] = json.dumps(result.notifications, ensure_ascii=False)
    if result.index_path:
        places["index.md"] = result.index_path.read_text()
    if log is not None and log.exists():
        places["stack log"] = log.read_text(errors="replace")
    secret = photos.BOT_TOKEN.split(":", 1)[1]
    return [name for name, text in places.items() if secret in text]


def report(result: DemoResult, api: Api, found: list[str], log: Path | None) -> None:
    total = sum(seconds for _, seconds in result.timings)
    print(f"\nDone in {total:.1f} s. Chat {result.user_id}, model {result.model_id}.")
    print(f"  Generated image  {result.image_url}\n                -> {result.image_path}")
    print(f"  index.md         {result.index_url}\n                -> {result.index_path}")
    print(f"  Chat status      {api.base_url}/api/chats/{result.user_id}/status")
    print(f"  Workflows        {api.base_url}/monitor?code={host_keys().system}")
    print("  Notifications (read from the queue and removed, as N8N does):")
    for n in result.notifications:
        image = f"  [{n['imageUrl'].split('?')[0]}]" if n.get("imageUrl") else ""
        print(f"    {n.get('messageType'):<20} {n.get('text', '').splitlines()[0]}{image}")
    checked = "API answers (upload workflow histories included), index.md, notifications"
    checked += ", stack log" if log else ""
    if not found:
        print(f"  Bot token of the photo URLs: found in none of {checked}.")


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so a stack the demo started is always stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    began = time.monotonic()
    user_id = args.user_id or str(random.SystemRandom().randrange(10**8, 10**9))
    env = local_environment()
    storage = Storage(
        env["AzureWebJobsStorage"], env.get("NotificationsQueue", "telegram-notifications")
    )
    log: Path | None = None
    with ExitStack() as resources:
        try:
            if host_answers(args.base_url):
                print(f"Using the stack at {args.base_url}.")
                photo_server = resources.enter_context(photos.serving())
            elif args.base_url.rstrip("/") == Ports().api:
                log = args.out / "stack.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                print(f"Nothing answers on {args.base_url}: starting the stack (log: {log}).")
                stack = LocalStack(output=resources.enter_context(log.open("wb")))
                resources.callback(stack.stop)
                stack.start()
                assert stack.photos is not None
                photo_server = stack.photos
            else:
                print(f"make demo: nothing answers on {args.base_url}/api/health", file=sys.stderr)
                return 1
            urls = photo_server.urls()
            print(f"Chat {user_id}: {len(urls)} sample photos from {photo_server.url(1)} ...")
            # Each call carries the key its API takes, as the local host checks them like Azure.
            http = resources.enter_context(httpx.Client(timeout=90, auth=KeyAuth(host_keys())))
            api = Api(http, args.base_url)
            result = run_flow(api, storage, urls, args.out, user_id)
        except (DemoFailed, StackError) as exc:
            print(f"\nmake demo failed at {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\nmake demo interrupted.", file=sys.stderr)
            return 130
        if log is not None:
            time.sleep(0.3)  # the host's last log lines, written as they happen
        found = leaks(result, api, log)
        report(result, api, found, log)
        print(f"  Wall time        {time.monotonic() - began:.1f} s (with start-up)")
        if log is not None:
            print("The stack stops now; run `make run` to keep one running between demos.")
        if found:
            print(f"make demo failed: the bot token appears in {', '.join(found)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
