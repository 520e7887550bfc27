"""`python -m devhost replay --app MODULE:ATTR HISTORY.json...`: histories against the code.

Prints one line per history, OK or its first difference, and exits 1 when any differs (2 when a
file cannot be read). `replay_files` is the same check for tests.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

from devhost.history_file import HistoryFileError, load
from devhost.loader import DEFAULT_APP, FunctionIndex, index_app, load_app
from devhost.replay import Difference, check


@dataclass(frozen=True)
class ReplayResult:
    path: str
    orchestration: str
    instance_id: str
    events: int
    difference: Difference | None

    @property
    def ok(self) -> bool:
        return self.difference is None

    def line(self) -> str:
        head = f"{self.path}: {self.orchestration} ({self.events} events)"
        return f"OK    {head}" if self.ok else f"DIFF  {head}: {self.difference.describe()}"


class Replayer:
    """The orchestrators of one app, ready to replay any number of histories."""

    def __init__(self, index: FunctionIndex) -> None:
        self.index = index

    @classmethod
    def for_app(cls, spec: str = DEFAULT_APP) -> Replayer:
        return cls(index_app(load_app(spec)))

    def replay(self, path: str | Path, version: str | None = None) -> ReplayResult:
        """`version` is the instance's orchestration version (`context.version`): the history
        JSON the extension returns drops `ExecutionStarted.Version`, so it is given here."""
        recorded = load(path)
        if version is not None:
            recorded = replace(recorded, version=version)
        difference = check(recorded, self.index.orchestrator(recorded.name))
        return ReplayResult(
            str(path), recorded.name, recorded.instance_id, len(recorded.events), difference
        )

    def replay_files(
        self, paths: list[str | Path], version: str | None = None
    ) -> list[ReplayResult]:
        return [self.replay(p, version) for p in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devhost replay", description=__doc__)
    parser.add_argument("--app", default=DEFAULT_APP, help="module:attribute of the DFApp")
    parser.add_argument(
        "--version",
        help="the instances' orchestration version, as context.version sees it (the exported "
        "JSON does not carry it; default: what the file holds, else empty)",
    )
    parser.add_argument("histories", nargs="+", help="exported history JSON files")
    args = parser.parse_args(argv)
    # The SDK warns about duplicate completions and loose types on replay; neither is a finding.
    logging.getLogger("azure").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(Path.cwd()))
    started = time.perf_counter()
    replayer = Replayer.for_app(args.app)
    differing = 0
    for path in args.histories:
        try:
            result = replayer.replay(path, args.version)
        except (OSError, HistoryFileError) as exc:
            print(f"ERROR {path}: {exc}", file=sys.stderr)
            return 2
        differing += not result.ok
        print(result.line(), flush=True)
    seconds = time.perf_counter() - started
    print(f"{len(args.histories)} histories replayed in {seconds:.2f} s, {differing} differ")
    return 1 if differing else 0
