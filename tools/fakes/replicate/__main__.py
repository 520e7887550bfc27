"""`python -m tools.fakes.replicate --port 7072 [--host 127.0.0.1]`: the fake as a process."""

from __future__ import annotations

import argparse
import os

import uvicorn

from tools.fakes.replicate.app import FakeReplicate
from tools.fakes.replicate.config import DEFAULT_TOKEN, FakeConfig, Schedule


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.fakes.replicate", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7072)
    parser.add_argument(
        "--token",
        action="append",
        help=f"accepted API token (repeatable; default {DEFAULT_TOKEN} or $FAKE_REPLICATE_TOKENS)",
    )
    parser.add_argument(
        "--webhook-secret",
        help="whsec_... (default: $FAKE_REPLICATE_WEBHOOK_SECRET or a random one)",
    )
    parser.add_argument(
        "--training-seconds", type=float, default=10.0, help="time a training takes (default 10)"
    )
    parser.add_argument(
        "--prediction-seconds",
        type=float,
        default=2.5,
        help="time a prediction takes (default 2.5)",
    )
    parser.add_argument(
        "--output-ttl",
        type=float,
        default=3600.0,
        help="seconds until outputs expire (default 3600, like Replicate)",
    )
    parser.add_argument("--instant", action="store_true", help="jobs finish at once")
    args = parser.parse_args(argv)

    tokens = args.token or os.environ.get("FAKE_REPLICATE_TOKENS", DEFAULT_TOKEN).split(",")
    overrides: dict[str, object] = {
        "tokens": frozenset(t.strip() for t in tokens if t.strip()),
        "output_ttl": args.output_ttl,
    }
    secret = args.webhook_secret or os.environ.get("FAKE_REPLICATE_WEBHOOK_SECRET")
    if secret:
        overrides["webhook_secret"] = secret
    if args.instant:
        config = FakeConfig.model_validate(overrides)
    else:
        overrides["training_schedule"] = Schedule(
            starting=args.training_seconds * 0.2, processing=args.training_seconds * 0.8
        )
        overrides["prediction_schedule"] = Schedule(
            starting=args.prediction_seconds * 0.2, processing=args.prediction_seconds * 0.8
        )
        config = FakeConfig.demo(**overrides)
    fake = FakeReplicate(config)
    print(f"Fake Replicate on http://{args.host}:{args.port}/v1", flush=True)
    uvicorn.run(fake.app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
