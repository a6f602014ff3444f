"""``posyandu run`` as its own process on a loopback port, for crash tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

import httpx

from tests.clock import cli

__all__ = ["free_port", "posyandu_env", "start_posyandu"]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def posyandu_env(
    db: Path | str, port: int, env: Mapping[str, str], folder: Path | None = None
) -> dict[str, str]:
    """This environment with ``posyandu run`` pointed at ``db`` (a file, or a PostgreSQL URL
    with ``folder`` for the rest) and 127.0.0.1:``port``, and ``env`` on top."""
    folder = folder or Path(db).parent
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "POSYANDU_DB": str(db),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "MEDIA_DIR": str(folder / "media"),
        **env,
    }


async def start_posyandu(
    db: Path | str,
    port: int,
    env: Mapping[str, str],
    *,
    folder: Path | None = None,
    stderr: IO[bytes] | int = asyncio.subprocess.DEVNULL,
    prefix: Sequence[str] = (),
    within: float = 30.0,
    pinned: bool = True,
) -> asyncio.subprocess.Process:
    """Start ``python [prefix] -m bot.cli run`` on ``db`` and ``port`` with ``env`` on top of
    this environment, in ``folder`` (by default ``db``'s), and return once ``/healthz``
    answers 200 (raising, the process killed, when it exits first or ``within`` seconds
    pass). ``pinned``: at the test's moment (tests/clock.py); benchmarks run on the real clock.
    """
    command = cli("run", pinned=pinned)
    proc = await asyncio.create_subprocess_exec(
        command[0],
        *prefix,
        *command[1:],
        cwd=folder or Path(db).parent,
        env=posyandu_env(db, port, env, folder),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise RuntimeError(f"posyandu run exited with {proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                r = await client.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                if r.status_code == 200:
                    return proc
            await asyncio.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"posyandu run did not become healthy in {within:.0f} s")
