"""Serve an ASGI app with uvicorn on a free loopback port, inside a test."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.requests import Request

__all__ = ["basic_auth_is", "serve"]


@contextlib.asynccontextmanager
async def serve(app: Any, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Run ``app`` under uvicorn on ``host`` and a free port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Replies go out as two writes (head, body): without TCP_NODELAY the second waits for
    # the client's delayed ACK, 40 ms a request on Linux loopback.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started:
                break
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        else:
            raise RuntimeError("test server did not start")
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5)
        sock.close()


def basic_auth_is(request: Request, username: str, password: str) -> bool:
    """Whether ``request`` carries HTTP Basic credentials ``username``:``password`` (what the
    fake APIs check as the real ones do)."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, given = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return False
    return user == username and given == password
