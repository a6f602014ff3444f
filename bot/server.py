"""The HTTP server's lifecycle: the app on uvicorn, started in the service's event loop and
stopped gracefully (requests in hand finish).

The sockets are bound here, not by uvicorn (which calls ``sys.exit`` when it cannot), so that
a port in use or an unresolvable host is a :class:`StartError` naming it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

import uvicorn
from starlette.types import ASGIApp

from bot.errors import StartError

__all__ = ["HttpServer"]

#: How long a start may take before it is called failed (checked every 10 ms).
_START_CHECKS = 500


async def _listen(host: str, port: int) -> list[socket.socket]:
    """Sockets bound to every address of ``host`` at ``port`` (as uvicorn would bind them);
    :class:`StartError` naming the setting when it cannot be done."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise StartError(f"HTTP_HOST {host!r} cannot be resolved: {exc.strerror}") from None
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _name, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.setblocking(False)
            sock.bind(address)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        raise StartError(
            f"cannot listen on {where} (HTTP_HOST, HTTP_PORT): {exc.strerror}"
        ) from None
    return sockets


async def _serve(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
    try:
        await server.serve(sockets=sockets)
    except SystemExit:  # how uvicorn says it could not start (it has logged why)
        raise StartError("the HTTP server could not start (see the log above)") from None


class HttpServer:
    def __init__(self, server: uvicorn.Server, task: asyncio.Task[None]) -> None:
        self.server = server
        #: Ends when the server stops (uvicorn takes SIGTERM first and returns).
        self.task = task

    @classmethod
    async def start(cls, app: ASGIApp, host: str, port: int) -> HttpServer:
        """Serve ``app`` on ``host:port`` (port 0: any free one); :class:`StartError` when
        it cannot."""
        sockets = await _listen(host, port)
        config = uvicorn.Config(
            app,
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=10,
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(_serve(server, sockets), name="http")
        for _ in range(_START_CHECKS):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if not server.started:
            server.should_exit = True
            with contextlib.suppress(StartError, asyncio.CancelledError):
                await task
            for sock in sockets:
                sock.close()
            raise StartError(f"the HTTP server did not start on {host}:{port}")
        return cls(server, task)

    @property
    def port(self) -> int:
        """The bound port (useful with HTTP_PORT=0 in tests)."""
        sockets = self.server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, StartError):
            await self.task
