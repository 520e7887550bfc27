"""`python -m devhost`: serve a function app locally, like `func start`.

`python -m devhost replay ...` and `python -m devhost export ...` check recorded histories
against the code and export them (see `replayer.py` and `export.py`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

import uvicorn

from devhost.loader import DEFAULT_APP
from devhost.local_settings import load_local_settings
from devhost.server import KEEP_ALIVE_SECONDS, HostConfig, bind, create_host


def parse_args(argv: list[str] | None = None) -> HostConfig:
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__)
    parser.add_argument("--app", default=DEFAULT_APP, help="module:attribute of the DFApp")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7071, help="0 picks a free port")
    parser.add_argument("--in-memory", action="store_true", help="keep state in memory only")
    parser.add_argument("--state-dir", default=".devhost", help="where state.db lives")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="durable timers wait 1/N of their time"
    )
    parser.add_argument("--host-json", default="host.json", help="path of the host.json to read")
    args = parser.parse_args(argv)
    return HostConfig(
        args.app,
        args.host,
        args.port,
        args.in_memory,
        args.state_dir,
        args.time_scale,
        args.host_json,
    )


COMMANDS = {"replay": "devhost.replayer", "export": "devhost.export"}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in COMMANDS:
        return importlib.import_module(COMMANDS[args[0]]).main(args[1:])
    config = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("azure").setLevel(logging.WARNING)
    applied = load_local_settings()
    if applied:
        logging.getLogger("devhost").info("local.settings.json: set %s", ", ".join(applied))
    sys.path.insert(0, str(Path.cwd()))
    app, engine = create_host(config)
    sock = bind(config.host, config.port)
    host, port = sock.getsockname()[:2]
    engine.origin = f"http://{host}:{port}"
    index = engine.index
    print(f"devhost listening on http://{host}:{port}", flush=True)
    for function in index.http:
        print(
            f"  {function.name}: [{','.join(function.methods)}] http://{host}:{port}/api/{function.route}"
        )
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
    )
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
