"""Slow and idle clients cannot exhaust the HTTP server (bot/server.py): heads and bodies
that do not arrive in time are dropped, an oversized head gets 431, and beyond the connection
cap a request gets 503 at once, while ``/healthz`` keeps answering.

The real server (uvicorn with the guarded protocol) on loopback, with short limits; the
clients are raw TCP connections. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from bot.health import Health
from bot.http import create_app
from bot.server import (
    GRACE_SECONDS,
    KEEP_ALIVE_TIMEOUT,
    MAX_CONNECTIONS,
    HttpServer,
    ServerLimits,
)
from bot.telegram.webhook import webhook_route

pytestmark = pytest.mark.slow  # a real server on loopback

SECRET = "webhook-secret-0123456789"
QUICK = ServerLimits(
    header_timeout=1.0,
    body_timeout=1.0,
    max_header_bytes=8 * 1024,
    max_connections=100,
    keep_alive=1,
    grace=2,
)
#: What a timeout may overrun by on a loaded machine.
MARGIN = 2.0

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _healthy() -> Health:
    return Health(True, {"database": "ok"})


@asynccontextmanager
async def server(limits: ServerLimits) -> AsyncIterator[tuple[HttpServer, list[Any]]]:
    """The HTTP app (``/healthz`` and the Telegram webhook route) on the real server."""
    received: list[Any] = []

    async def handle(update: Any) -> None:
        received.append(update)

    app = create_app(_healthy, [webhook_route(SECRET, handle)])
    http = await HttpServer.start(app, "127.0.0.1", 0, limits)
    try:
        yield http, received
    finally:
        await asyncio.wait_for(http.stop(), timeout=10)


async def connect(http: HttpServer, data: bytes = b"") -> Stream:
    reader, writer = await asyncio.open_connection("127.0.0.1", http.port)
    if data:
        writer.write(data)
        await writer.drain()
    return reader, writer


async def closed_within(stream: Stream, seconds: float) -> tuple[bool, bytes]:
    """(whether the server closed the connection within ``seconds``, what it sent first)."""
    reader, _writer = stream
    try:
        data = await asyncio.wait_for(reader.read(), timeout=seconds)
    except TimeoutError:
        return False, b""
    except ConnectionResetError:
        return True, b""
    return True, data


async def wait_until(check: Callable[[], bool], within: float = 5.0) -> None:
    for _ in range(int(within / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def get_healthz(http: HttpServer) -> int:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"http://127.0.0.1:{http.port}/healthz", timeout=3)
    return r.status_code


HALF_HEAD = b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\n"
SLOW_BODY = (
    b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\n"
    b"X-Telegram-Bot-Api-Secret-Token: " + SECRET.encode() + b"\r\n"
    b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n" + b'{"update_id"'[:10]
)


async def test_idle_half_sent_and_slow_clients_are_dropped_while_healthz_answers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with server(QUICK) as (http, received):
        started = time.monotonic()
        idle = [await connect(http) for _ in range(20)]
        heads = [await connect(http, HALF_HEAD) for _ in range(10)]
        bodies = [await connect(http, SLOW_BODY) for _ in range(5)]
        # Meanwhile /healthz answers, on a fresh connection each time.
        for _ in range(3):
            assert await get_healthz(http) == 200
        outcomes = await asyncio.gather(
            *(closed_within(s, QUICK.header_timeout + MARGIN) for s in [*idle, *heads, *bodies])
        )
        elapsed = time.monotonic() - started
        assert [closed for closed, _ in outcomes] == [True] * 35
        assert all(data == b"" for _, data in outcomes)  # dropped, not answered
        assert elapsed < QUICK.header_timeout + MARGIN + 1
        assert received == []  # the half-read update was never handed on
        await wait_until(lambda: len(http.server.server_state.connections) == 0)
        assert await get_healthz(http) == 200
    noisy = [r for r in caplog.records if r.exc_info is not None or r.levelno >= logging.ERROR]
    assert noisy == []  # a client that went away is no error, and no traceback


async def test_a_head_trickled_after_a_first_request_is_dropped() -> None:
    # uvicorn's keep-alive time-out stops at the first byte of the next request; the head's
    # own deadline does not.
    async with server(QUICK) as (http, _received):
        reader, writer = await connect(http, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=3)
        assert head.startswith(b"HTTP/1.1 200")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        await asyncio.wait_for(reader.readexactly(length), timeout=3)
        started = time.monotonic()
        trickle = asyncio.create_task(_trickle(writer, HALF_HEAD * 4, every=0.1))
        try:
            closed, data = await closed_within((reader, writer), QUICK.header_timeout + MARGIN)
        finally:
            trickle.cancel()
            await asyncio.gather(trickle, return_exceptions=True)
        assert closed and data == b""
        assert time.monotonic() - started < QUICK.header_timeout + MARGIN


async def _trickle(writer: asyncio.StreamWriter, data: bytes, every: float) -> None:
    """``data`` a byte at a time, one every ``every`` seconds, until the server closes."""
    for byte in data:
        try:
            writer.write(bytes([byte]))
            await writer.drain()
        except ConnectionError:
            return
        await asyncio.sleep(every)


async def test_a_request_within_the_limits_is_served() -> None:
    async with server(QUICK) as (http, received):
        body = b'{"update_id": 1}'
        head = (
            b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\n"
            b"X-Telegram-Bot-Api-Secret-Token: " + SECRET.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
        )
        reader, writer = await connect(http, head[:20])
        await asyncio.sleep(0.3)  # slow, but within the head's second
        writer.write(head[20:] + body[:5])
        await writer.drain()
        await asyncio.sleep(0.3)  # and within the body's
        writer.write(body[5:])
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), timeout=3)
        assert status.startswith(b"HTTP/1.1 200"), status
        assert received == [{"update_id": 1}]
        writer.close()


async def test_an_oversized_head_gets_431() -> None:
    async with server(QUICK) as (http, _received):
        stream = await connect(http, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        _reader, writer = stream
        for i in range(64):  # 64 headers of 200 bytes: 12.8 KB, over the 8 KB allowed
            writer.write(f"X-Filler-{i}: {'a' * 186}\r\n".encode())
        await writer.drain()
        closed, data = await closed_within(stream, 3)
        assert closed and data.startswith(b"HTTP/1.1 431"), data[:40]


async def test_beyond_the_cap_a_request_gets_503_at_once() -> None:
    cap = ServerLimits(header_timeout=2.0, body_timeout=2.0, max_connections=10, keep_alive=1)
    async with server(cap) as (http, _received):
        idle = [await connect(http) for _ in range(10)]
        await wait_until(lambda: len(http.server.server_state.connections) == 10)
        started = time.monotonic()
        assert await get_healthz(http) == 503  # not left hanging
        extra = await connect(http)  # beyond the cap: answered and closed at once
        closed, data = await closed_within(extra, 1.0)
        assert closed and data.startswith(b"HTTP/1.1 503"), data[:40]
        assert time.monotonic() - started < 1.5
        # Once the idle ones have been dropped (the head's deadline), all is well again.
        outcomes = await asyncio.gather(
            *(closed_within(s, cap.header_timeout + MARGIN) for s in idle)
        )
        assert all(closed for closed, _ in outcomes)
        await wait_until(lambda: len(http.server.server_state.connections) == 0)
        assert await get_healthz(http) == 200


async def test_the_service_uses_the_module_limits() -> None:
    app = create_app(_healthy, [])
    http = await HttpServer.start(app, "127.0.0.1", 0)
    try:
        config = http.server.config
        assert config.limit_concurrency is not None and config.limit_concurrency <= MAX_CONNECTIONS
        assert config.timeout_keep_alive == KEEP_ALIVE_TIMEOUT
        assert config.timeout_graceful_shutdown == GRACE_SECONDS
    finally:
        await http.stop()
