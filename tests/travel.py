"""``python -m tests.travel MOMENT MODULE [ARGS...]``: run ``MODULE`` as ``__main__`` with the
wall clock starting at ``MOMENT`` (ISO 8601 with an offset) and ticking from there, so a
subprocess of a test sees the date the test sees (tests/clock.py). Only the wall clock moves:
the monotonic clock (timers, timeouts) is left alone."""

from __future__ import annotations

import runpy
import sys
from datetime import datetime

import time_machine


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit("usage: python -m tests.travel MOMENT MODULE [ARGS...]")
    moment = datetime.fromisoformat(sys.argv[1])
    if moment.tzinfo is None:
        raise SystemExit(f"tests.travel: {sys.argv[1]!r} has no UTC offset")
    module = sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    with time_machine.travel(moment, tick=True):
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
