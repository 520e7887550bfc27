"""The replay check of all golden histories, as `make test` runs it: `python -m bench.replay_check`.

Prints the count and the time: loading the product app once, then replaying every golden in
`tests/replay/histories/` (best of five rounds, one process). Goal: the whole check under 2 s.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from pathlib import Path

from devhost.replayer import Replayer

GOLDENS = Path(__file__).parent.parent / "tests/replay"
HISTORIES = sorted((GOLDENS / "histories").glob("*/*.json"))
# Each golden replays at the version its instance ran (the extension's history JSON drops it).
VERSIONS: dict[str, str] = json.loads((GOLDENS / "golden_versions.json").read_text())
GOAL_SECONDS = 2.0
ROUNDS = 5


def main() -> int:
    logging.getLogger("azure").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    replayer = Replayer.for_app("function_app:app")
    load_seconds = time.perf_counter() - started
    rounds = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        results = [
            replayer.replay(path, VERSIONS[path.relative_to(GOLDENS / "histories").as_posix()])
            for path in HISTORIES
        ]
        rounds.append(time.perf_counter() - began)
    events = sum(r.events for r in results)
    differing = [r.line() for r in results if not r.ok]
    total = load_seconds + rounds[0]
    print(f"{len(HISTORIES)} golden histories ({events} events), {len(differing)} differ")
    print(f"app import and index: {load_seconds * 1000:.0f} ms")
    best = min(rounds)
    print(
        f"replay, first round: {rounds[0] * 1000:.0f} ms; best of {ROUNDS}: {best * 1000:.0f} ms "
        f"({best / len(HISTORIES) * 1000:.1f} ms per history)"
    )
    print(f"whole check (import + first round): {total:.2f} s, goal under {GOAL_SECONDS:.0f} s")
    for line in differing:
        print(line)
    return 1 if differing or total >= GOAL_SECONDS else 0


if __name__ == "__main__":
    raise SystemExit(main())
