"""`python -m fakes.telegram --port 7073 [--host 127.0.0.1] [--token T]`: the fake as a process.

Point `TelegramApiBaseUrl` at `http://<host>:<port>` and `TelegramBotToken` at the token.
`GET /_fake/sent` lists what was sent; `POST /_fake/faults {"count", "status", "retryAfter"}`
makes the next calls fail.
"""

from __future__ import annotations

import argparse

import uvicorn

from fakes.telegram.app import DEFAULT_TOKEN, FakeTelegram


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fakes.telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7073)
    parser.add_argument(
        "--token", action="append", help=f"accepted token (default {DEFAULT_TOKEN})"
    )
    args = parser.parse_args(argv)
    fake = FakeTelegram(tokens=frozenset(args.token or [DEFAULT_TOKEN]))
    print(f"Fake Telegram Bot API on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(fake.app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
