"""`python -m tools.fakes.telegram --port 7073 [--host H] [--token T ...]`: the fake as a process.

Point n8n's Telegram credential (`baseUrl`) or `TelegramApiBaseUrl` at `http://<host>:<port>` and
the access token at one of the tokens. Under `/_fake/`: `POST users/{chat_id}/photo|album|document|
text` writes to the bot as a user, `GET sent` lists what the bot sent, `GET updates` the updates
and their delivery, `POST faults {"count", "status", "retryAfter", "method"}` makes calls fail.
"""

from __future__ import annotations

import argparse

import uvicorn

from tools.fakes.telegram.app import DEFAULT_TOKEN, FakeTelegram
from tools.fakes.telegram.webhook import RetryPolicy


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.fakes.telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7073)
    parser.add_argument(
        "--token", action="append", help=f"accepted token, repeatable (default {DEFAULT_TOKEN})"
    )
    parser.add_argument("--bot-username", default="calendary_kaizen_bot")
    parser.add_argument(
        "--webhook-attempts", type=int, default=RetryPolicy.attempts, help="tries per update"
    )
    parser.add_argument(
        "--webhook-retry-delay",
        type=float,
        default=RetryPolicy.first_delay,
        help="seconds before the first retry; doubles up to 2 s",
    )
    args = parser.parse_args(argv)
    fake = FakeTelegram(
        tokens=frozenset(args.token or [DEFAULT_TOKEN]),
        bot_username=args.bot_username,
        webhook_retries=RetryPolicy(
            attempts=args.webhook_attempts, first_delay=args.webhook_retry_delay
        ),
    )
    # The tokens are not printed: they are the bot's secrets even here.
    print(f"Fake Telegram Bot API on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(fake.app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
