"""The unit layer is what it says (tests/fast_layer.py): a test not marked slow that starts a
subprocess or a server, or connects to one, fails; the slow layer may."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys

import pytest

from tests.fast_layer import SlowInFastLayer, fast_layer_phase, refusing_slow_work


def test_a_subprocess_is_refused() -> None:
    refused = pytest.raises(SlowInFastLayer, match="started a subprocess")
    with refusing_slow_work() as tried, refused:
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert len(tried) == 1


async def test_an_asyncio_subprocess_is_refused() -> None:
    refused = pytest.raises(SlowInFastLayer, match="started a subprocess")
    with refusing_slow_work() as tried, refused:
        await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    assert tried


async def test_a_server_is_refused() -> None:
    async def nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    with refusing_slow_work() as tried, pytest.raises(SlowInFastLayer, match="listened on"):
        await asyncio.start_server(nothing, "127.0.0.1", 0)
    assert tried


def test_a_socket_bound_but_not_listening_is_no_server() -> None:
    """A library probing its host (urllib3 binds ::1 once, at import, to learn of IPv6)."""
    with refusing_slow_work() as tried, socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
    assert tried == []


def test_a_connection_is_refused() -> None:
    refused = pytest.raises(SlowInFastLayer, match="connected a socket")
    with refusing_slow_work() as tried, socket.socket() as sock, refused:
        sock.connect(("127.0.0.1", 9))
    assert tried


def test_a_swallowed_refusal_is_still_noted() -> None:
    """Code that catches the error does not hide it: the hook fails the test on the note."""
    with refusing_slow_work() as tried, contextlib.suppress(Exception):
        subprocess.run(["true"], check=False)
    assert tried and "['true']" in tried[0]


def test_a_unit_test_that_tried_fails(request: pytest.FixtureRequest) -> None:
    """The phase around a unit test (the hooks in tests/conftest.py) fails it when it tried,
    the error swallowed by the code under test or not."""
    phase = fast_layer_phase(request.node)
    next(phase)
    with contextlib.suppress(SlowInFastLayer):
        subprocess.run(["true"], check=False)
    with pytest.raises(pytest.fail.Exception, match="started a subprocess"):
        phase.send(None)


def test_this_unit_test_runs_refusing() -> None:
    """The hooks are in force: this test, not marked slow, runs with the refusals in place."""
    assert subprocess.Popen._execute_child.__module__ == "tests.fast_layer"
    assert socket.socket.listen.__module__ == "tests.fast_layer"


@pytest.mark.slow
def test_the_slow_layer_may(request: pytest.FixtureRequest) -> None:
    assert subprocess.Popen._execute_child.__module__ == "subprocess"
    done = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)
    assert done.stdout.strip() == "42"
    phase = fast_layer_phase(request.node)
    next(phase)
    assert subprocess.Popen._execute_child.__module__ == "subprocess"
    with pytest.raises(StopIteration):
        phase.send(None)
