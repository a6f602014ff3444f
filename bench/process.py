"""A command as its own process, measured: its time and its own peak resident memory.

Linux starts a child's ``ru_maxrss`` at its parent's resident size (the pages it shares after
the fork count until the exec), so a command started straight from a bench process that the
benchmarks before it have grown would read that process's size. The command is therefore
started by a small parent of its own, which reads the command's ``ru_maxrss`` through
``os.wait4`` and writes it, the exit code and the seconds to a file.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Measured", "measured_run"]

#: Runs ``argv[3:]`` with its stderr to the file ``argv[2]`` (its stdout the parent's) and
#: writes its ``ru_maxrss`` (KiB), exit code and seconds to the file ``argv[1]``.
_MEASURE = """
import os, subprocess, sys, time
with open(sys.argv[2], "w") as stderr:
    t0 = time.perf_counter()
    proc = subprocess.Popen(sys.argv[3:], stderr=stderr)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {seconds}")
"""


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    status: int
    stdout: str
    stderr: str


def measured_run(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None
) -> Measured:
    """``command`` (a list of arguments) as its own process in ``cwd``; its files
    ``stderr.txt`` and ``measured.txt`` are written there."""
    err, measured = cwd / "stderr.txt", cwd / "measured.txt"
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(measured), str(err), *command],
        cwd=cwd,
        env=None if env is None else dict(env),
        check=True,
        capture_output=True,
        text=True,
    )
    maxrss, status, seconds = measured.read_text("utf-8").split()
    return Measured(
        float(seconds), int(maxrss) / 1024, int(status), out.stdout, err.read_text("utf-8")
    )
