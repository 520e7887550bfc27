"""The Telegram → n8n → service → Replicate → n8n → Telegram loop: what n8n and the service add.

Run: `python -m bench.n8n_loop [--runs N]`. Starts the loop of the tests (`tests/n8n/loop.py`:
Azurite, the fake Telegram and fake Replicate, the local host, the real n8n of `tools/n8n`), then
per run: a new chat uploads five photos (not timed), sends `/train`, and waits for "training
complete"; then sends a prompt and waits for the picture. The time from the user's message to the
bot's answer minus the job's own time at the fake Replicate (`metrics.total_time`) is the
overhead of n8n and the service together. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from tests.e2e.stack import photo
from tests.n8n.loop import Loop, running_loop
from tools.devstack import azurite
from tools.fakes.replicate.config import Schedule

TRAINING_DONE = "Тренування завершено!"
PICTURE = "Зображення згенеровано!"


def _answered(loop: Loop, chat: int, part: str, timeout: float = 60) -> float:
    """Monotonic time when a bot message containing `part` reached the chat (polled every 5 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(part in (m.text or m.caption) for m in loop.telegram.fake.sent_to(str(chat))):
            return time.monotonic()
        time.sleep(0.005)
    raise TimeoutError(f"no {part!r} for chat {chat}")


def _job_seconds(jobs: list[dict[str, Any]]) -> float:
    return float(jobs[-1]["metrics"]["total_time"])


def one_run(loop: Loop) -> tuple[tuple[float, float], tuple[float, float]]:
    chat = 10**9 + uuid.uuid4().int % 10**9
    user = loop.telegram.fake
    user.user_sends_album(chat, [photo(chat + n) for n in range(5)])
    _answered(loop, chat, "Усього в чаті: 5.")
    sent = time.monotonic()
    user.user_sends_text(chat, "/train")
    training = (
        _answered(loop, chat, TRAINING_DONE) - sent,
        _job_seconds(loop.replicate.fake.trainings()),
    )
    sent = time.monotonic()
    user.user_sends_text(chat, "TOK at the beach")
    generation = (
        _answered(loop, chat, PICTURE) - sent,
        _job_seconds(loop.replicate.fake.predictions()),
    )
    return training, generation


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def row(name: str, samples: list[tuple[float, float]]) -> str:
    totals = [t for t, _ in samples]
    jobs = [j for _, j in samples]
    overhead = [t - j for t, j in samples]
    return (
        f"| {name} | {len(samples)} | {statistics.median(totals):.2f} | "
        f"{statistics.median(jobs):.2f} | {statistics.median(overhead):.2f} | "
        f"{percentile(overhead, 0.95):.2f} | {max(overhead):.2f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.n8n_loop")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with (
        azurite.private() as storage,
        tempfile.TemporaryDirectory(prefix="bench-loop-") as workdir,
        running_loop(storage.connection_string, Path(workdir)) as loop,
    ):
        one_run(loop)  # warm-up: first calls import modules and open connections
        results = [one_run(loop) for _ in range(args.runs)]
        loop.replicate.fake.set_schedule(prediction=Schedule(processing=4.0))
        slow = [one_run(loop)[1] for _ in range(max(1, args.runs // 2))]
    print("| from the user's message to the bot's answer | runs | total median (s) |"
          " fake Replicate job median (s) | overhead median (s) | overhead p95 (s) |"
          " overhead max (s) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(row("`/train` → training complete", [t for t, _ in results]))
    print(row("prompt → picture (answered within GenerateWaitTimeout)", [g for _, g in results]))
    print(row("prompt → picture (202, n8n follows the status URL)", slow))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
