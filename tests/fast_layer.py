"""The unit layer (``make test-fast``: ``pytest -m "not slow"``) starts no subprocess and no server.

A test is ``slow`` when it starts a subprocess (``posyandu`` itself, PostgreSQL, chromium), a
server (uvicorn, the fake Telegram and Twilio servers, PostgreSQL) or connects to one; every
other test is in the unit layer. tests/conftest.py marks whole folders (tests/e2e,
tests/hostile), the tests whose fixtures include the PostgreSQL server, and the PostgreSQL side
of the tests that run on both engines (:data:`ENGINES`); a test that does it otherwise carries
the mark itself.

The rule is enforced, not trusted: while a test of the unit layer is set up and runs,
:func:`refusing_slow_work` makes starting a subprocess (``subprocess``, ``asyncio``'s
subprocesses, ``os.fork``), listening on a socket (any server) or connecting one to an
address (a server somewhere) raise :class:`SlowInFastLayer`, and the test fails naming what
it tried, even when the code under test swallowed the error. (A socket bound and never
listening is no server: urllib3 binds one at import to learn whether the host has IPv6.)
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import pytest

__all__ = ["ENGINES", "SlowInFastLayer", "fast_layer_phase", "refusing_slow_work"]

#: The database engines of a test that runs on both: SQLite in the unit layer, PostgreSQL (a
#: server of its own, tests/postgres.py) slow.
ENGINES = (
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.slow),
)

_HOW = "mark it slow (pytest.mark.slow) or leave it out (tests/fast_layer.py)"


class SlowInFastLayer(RuntimeError):
    """A test of the unit layer started a subprocess or a server, or connected to one."""


@contextmanager
def refusing_slow_work() -> Iterator[list[str]]:
    """While inside, subprocesses, forks, listening sockets and socket connections raise
    :class:`SlowInFastLayer`; yields the list of what was tried (each refusal is noted there
    before it is raised)."""
    tried: list[str] = []

    def refuse(what: str) -> NoReturn:
        tried.append(what)
        raise SlowInFastLayer(f"a test of the unit layer {what}: {_HOW}")

    def execute_child(self: subprocess.Popen[Any], args: Any, *rest: Any, **kw: Any) -> NoReturn:
        refuse(f"started a subprocess ({args!r})")

    def fork() -> NoReturn:
        refuse("forked")

    def listen(self: socket.socket, *backlog: int) -> NoReturn:
        refuse(f"listened on {self.getsockname()!r} (a server)")

    def connect(self: socket.socket, address: Any) -> NoReturn:
        refuse(f"connected a socket to {address!r} (a server)")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "_execute_child", execute_child)
        patch.setattr(os, "fork", fork)
        for name in ("posix_spawn", "posix_spawnp"):
            if hasattr(os, name):
                patch.setattr(os, name, lambda *a, **k: refuse(f"spawned {a[0]!r}"))
        patch.setattr(socket.socket, "listen", listen)
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect)
        yield tried


def fast_layer_phase(item: pytest.Item) -> Generator[None, object, object]:
    """A hook wrapper's body around a phase of ``item`` (its set-up, its call): a test of the
    unit layer runs refusing slow work and fails when it tried some, even if the error was
    swallowed; a slow test runs as it is."""
    if item.get_closest_marker("slow") is not None:
        return (yield)
    with refusing_slow_work() as tried:
        result = yield
    if tried:
        pytest.fail(f"a test of the unit layer {tried[0]}: {_HOW}", pytrace=False)
    return result
