"""The HTTP server's lifecycle: the app on uvicorn, started in the service's event loop and
stopped gracefully (requests in hand finish)."""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn
from starlette.applications import Starlette

__all__ = ["HttpServer"]

#: How long a start may take before it is called failed (checked every 10 ms).
_START_CHECKS = 500


class HttpServer:
    def __init__(self, server: uvicorn.Server, task: asyncio.Task[None]) -> None:
        self.server = server
        #: Ends when the server stops (uvicorn takes SIGTERM first and returns).
        self.task = task

    @classmethod
    async def start(cls, app: Starlette, host: str, port: int) -> HttpServer:
        """Serve ``app`` on ``host:port`` (port 0: any free one); ``RuntimeError`` when it
        cannot (the port is taken ...)."""
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=10,
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve(), name="http")
        for _ in range(_START_CHECKS):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if task.done():
            task.result()
            raise RuntimeError(f"HTTP server did not start on {host}:{port}")
        return cls(server, task)

    @property
    def port(self) -> int:
        """The bound port (useful with HTTP_PORT=0 in tests)."""
        sockets = self.server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, SystemExit):
            await self.task
