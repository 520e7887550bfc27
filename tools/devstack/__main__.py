"""`make run`: Azurite, the fake Replicate, the local Functions host and sample photos, until
Ctrl-C or SIGTERM stops them all."""

from __future__ import annotations

import signal
import sys
import time

from tools.devstack.stack import LocalStack, StackError


def main() -> int:
    stopping = started = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        if not started:  # interrupt the wait for readiness; start() cleans up what it began
            raise KeyboardInterrupt

    # Installed before anything starts, so a signal during start-up still stops everything.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    # `make run N8N=1`: notifications go to `make n8n` instead of waiting in the queue.
    stack = LocalStack(with_n8n="--with-n8n" in sys.argv[1:])
    code = 0
    try:
        stack.start()
        started = True
        print(stack.banner(), flush=True)
        while not stopping:
            if (name := stack.exited()) is not None:
                print(f"The {name} stopped unexpectedly; stopping the rest.", file=sys.stderr)
                code = 1
                break
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    except StackError as exc:
        print(f"make run: {exc}", file=sys.stderr)
        code = 1
    finally:
        stack.stop()
    if started:
        print("Stopped.", flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
