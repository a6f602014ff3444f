"""A stop (SIGTERM) with slow clients attached takes no more than the grace of
``bot.server.GRACE_SECONDS`` and logs no traceback: a client still sending its request is
dropped at once; a request still in hand when the grace is over is answered 503 (so that the
channel sends it again) in one log line."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.health import Health
from bot.http import create_app
from bot.server import GRACE_SECONDS, HttpServer, ServerLimits
from tests.conftest import scan_log_text
from tests.e2e.conftest import SECRET, TOKEN, Seeded
from tests.fakes.server import serve
from tests.fakes.service import free_port, start_posyandu
from tests.fakes.telegram_api import FakeTelegram

#: What a stop may take beyond the grace (the rest of the service's stop, a loaded machine).
MARGIN = 5.0

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def attach(port: int, data: bytes) -> Stream:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    return reader, writer


def slow_webhook(length: int = 1000) -> bytes:
    """A webhook POST whose head is whole and whose body has barely begun."""
    return (
        b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: " + SECRET.encode() + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(length).encode() + b"\r\n\r\n"
        b'{"update_i'
    )


async def test_sigterm_with_slow_clients_attached(seeded: Seeded) -> None:
    fake = FakeTelegram(TOKEN)
    port = free_port()
    log = seeded.path.parent / "service.log"
    async with serve(fake.app) as api:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": f"{api}/bot",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "PUBLIC_BASE_URL": "https://posyandu.example.test",
            "LOG_LEVEL": "DEBUG",
        }
        with log.open("wb") as sink:
            proc = await start_posyandu(seeded.path, port, env, stderr=sink)
        try:
            slow = [await attach(port, slow_webhook()) for _ in range(3)]
            slow.append(await attach(port, b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\n"))
            slow.append(await attach(port, b""))  # connected, silent
            async with httpx.AsyncClient() as client:  # all is well meanwhile
                r = await client.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                assert r.status_code == 200
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=GRACE_SECONDS + MARGIN)
            took = time.monotonic() - started
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert code == 0
    assert took < GRACE_SECONDS + MARGIN
    for reader, writer in slow:
        assert await asyncio.wait_for(reader.read(), timeout=1) == b""  # closed by the server
        writer.close()
    text = log.read_text("utf-8", "replace")
    scan_log_text("posyandu run (stop with slow clients)", text)
    assert '"event": "service.stopped"' in text
    assert "Traceback" not in text, text[-3000:]


# --- in process: a request the app is still working on when the grace is over ---------------
@asynccontextmanager
async def stuck_app_server(grace: int) -> AsyncIterator[tuple[HttpServer, asyncio.Event]]:
    """A server whose ``/stuck`` never finishes (as a step waiting on a locked database)."""
    entered = asyncio.Event()

    async def stuck(_request: Request) -> Response:
        entered.set()
        await asyncio.Event().wait()
        return PlainTextResponse("never")

    async def healthy() -> Health:
        return Health(True, {})

    app = create_app(healthy, [Route("/stuck", stuck, methods=["GET"])])
    http = await HttpServer.start(app, "127.0.0.1", 0, ServerLimits(grace=grace))
    yield http, entered


async def test_a_request_in_hand_past_the_grace_is_answered_503_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with stuck_app_server(grace=1) as (http, entered), httpx.AsyncClient() as client:
        asking = asyncio.create_task(client.get(f"http://127.0.0.1:{http.port}/stuck"))
        await asyncio.wait_for(entered.wait(), timeout=5)
        started = time.monotonic()
        await asyncio.wait_for(http.stop(), timeout=1 + MARGIN)
        took = time.monotonic() - started
        response = await asyncio.wait_for(asking, timeout=5)
    assert response.status_code == 503
    assert took < 1 + MARGIN
    assert [r for r in caplog.records if r.exc_info is not None] == []
    cancelled = [r for r in caplog.records if r.getMessage() == "http.request_cancelled"]
    assert [r.levelno for r in cancelled] == [logging.WARNING]
