"""The HTTP app (Starlette, served by uvicorn): ``/healthz`` and the routes the service gives
it (each open channel's webhooks, the signed media links).

Every request body is limited (413 before parsing), and no handler error reaches a client as
a traceback: it is logged and answered 503 (so a webhook's message that could not be recorded
is sent again).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.health import Health
from bot.intake import NotRecordedError
from bot.logs import log_event

__all__ = ["MAX_BODY_BYTES", "BodyLimit", "BodyTooLarge", "create_app"]

log = logging.getLogger("posyandu.http")

MAX_BODY_BYTES = 1024 * 1024


class BodyLimit:
    """Pure ASGI middleware: 413 for a body over ``limit`` bytes, before any parsing."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await PlainTextResponse("payload too large", status_code=413)(
                        scope, receive, send
                    )
                    return
        seen = 0
        limit = self.limit

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await PlainTextResponse("payload too large", status_code=413)(scope, receive, send)


class BodyTooLarge(Exception):
    """A body over the limit, found while it was read (no Content-Length)."""


def create_app(health: Callable[[], Awaitable[Health]], routes: Sequence[Route]) -> Starlette:
    async def healthz(_request: Request) -> Response:
        found = await health()
        return JSONResponse(
            {"status": "ok" if found.ok else "down", **found.details},
            status_code=200 if found.ok else 503,
        )

    async def server_error(_request: Request, exc: Exception) -> Response:
        log.error("http.error", exc_info=exc)
        return PlainTextResponse("temporarily unavailable", status_code=503)

    async def not_recorded(request: Request, _exc: Exception) -> Response:
        # The database could not record the message (busy, or its server unreachable): the
        # channel delivers it again. Expected while the server is away: one line, no trace.
        log_event(log, "http.not_recorded", logging.WARNING, path=request.url.path)
        return PlainTextResponse("temporarily unavailable", status_code=503)

    async def client_gone(request: Request, _exc: Exception) -> Response:
        # The client went away, or the server dropped it (too slow: bot/server.py) while its
        # body was read: no error; the answer goes nowhere.
        log_event(log, "http.client_gone", logging.DEBUG, path=request.url.path)
        return PlainTextResponse("client disconnected", status_code=400)

    app = Starlette(
        routes=[Route("/healthz", healthz, methods=["GET"]), *routes],
        exception_handlers={
            ClientDisconnect: client_gone,
            NotRecordedError: not_recorded,
            Exception: server_error,
        },
    )
    app.add_middleware(BodyLimit)
    return app
