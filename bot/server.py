"""The HTTP server: the app on uvicorn in the service's event loop, its start, its graceful
stop, and its defences against slow and idle clients.

uvicorn serves; what it leaves open is closed here:

- **Listening.** The sockets are bound here, not by uvicorn (which calls ``sys.exit`` when it
  cannot), so that a port in use or an unresolvable host is a :class:`StartError` naming it.
- **Slow heads and bodies.** uvicorn has no read timeout (its keep-alive timeout ends at the
  first byte of the next request). Here a request's head must arrive within
  :data:`HEADER_TIMEOUT` of the connection's opening or of the previous response, and be at
  most :data:`MAX_HEADER_BYTES` (else 431); its body within :data:`BODY_TIMEOUT` of the
  head. Otherwise the connection is dropped (the app, if it was reading, sees a disconnect).
  What the app does once the request is in is not timed here.
- **Idle sockets.** At most :data:`MAX_CONNECTIONS` connections (never more than the
  open-file limit less :data:`FD_RESERVE`): at the cap uvicorn answers 503
  (``limit_concurrency``); a connection beyond it is answered 503 at once and closed, so
  that idle sockets cannot pile up to the open-file limit and starve ``/healthz`` and the
  webhooks (whose senders retry a 503).
- **Stop.** Requests in hand finish, within :data:`GRACE_SECONDS` (uvicorn's
  ``timeout_graceful_shutdown``). A client still sending its request or not reading its
  answer is dropped at once rather than waited for; a request still in hand when the grace
  is over is answered 503 (so the channel sends it again), without a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import socket
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from bot.errors import StartError
from bot.logs import log_event

__all__ = [
    "BODY_TIMEOUT",
    "FD_RESERVE",
    "GRACE_SECONDS",
    "HEADER_TIMEOUT",
    "KEEP_ALIVE_TIMEOUT",
    "MAX_CONNECTIONS",
    "MAX_HEADER_BYTES",
    "HttpServer",
    "ServerLimits",
]

log = logging.getLogger("posyandu.http")

#: Seconds for a request's head (request line and headers) to arrive, from the connection's
#: opening or the end of the previous response (nginx's client_header_timeout is 60).
HEADER_TIMEOUT = 10.0
#: Seconds for a request's body to arrive once its head has (bodies are at most 1 MB:
#: ``bot.http.MAX_BODY_BYTES``; nginx's client_body_timeout, between two reads, is 60).
BODY_TIMEOUT = 30.0
#: Bytes a request's head may take (nginx: 4 buffers of 8 KB by default).
MAX_HEADER_BYTES = 32 * 1024
#: Connections at once (Telegram opens at most 100 to a webhook).
MAX_CONNECTIONS = 1000
#: Open files kept for the rest of the process (SQLite, logs, outgoing HTTP) below the
#: open-file limit when it is lower than the connections allowed.
FD_RESERVE = 200
#: Seconds an idle keep-alive connection stays open (uvicorn's default).
KEEP_ALIVE_TIMEOUT = 5
#: Seconds the requests in hand get at a stop (systemd's TimeoutStopSec is 30).
GRACE_SECONDS = 10
#: Seconds a refused connection is kept half-closed so that the client reads the answer.
_LINGER = 1.0
#: How long a start may take before it is called failed (checked every 10 ms).
_START_CHECKS = 500


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """The server's limits (the module's constants; tests pass short ones)."""

    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    max_header_bytes: int = MAX_HEADER_BYTES
    max_connections: int = MAX_CONNECTIONS
    keep_alive: int = KEEP_ALIVE_TIMEOUT
    grace: int = GRACE_SECONDS

    def within_open_files(self) -> ServerLimits:
        """These limits with the connections capped below the process's open-file limit."""
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY or soft - FD_RESERVE >= self.max_connections:
            return self
        return replace(self, max_connections=max(1, soft - FD_RESERVE))


def _answer(status: str, text: str) -> bytes:
    body = text.encode()
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


_OVERLOADED = _answer("503 Service Unavailable", "Service Unavailable")
_HEAD_TOO_LARGE = _answer("431 Request Header Fields Too Large", "Request Header Fields Too Large")


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the read deadlines, the head size limit and the
    connection cap it lacks (see the module's docstring). One deadline at a time: the head's
    (from the opening or the previous response), then the body's (from the head)."""

    limits: ClassVar[ServerLimits] = ServerLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        #: Reading a request's head (not its body), and the bytes of it read so far.
        self._in_head = True
        self._head_bytes = 0
        #: Answered and half-closed: what the client sends now is ignored.
        self._done = False

    # --- the deadline ---------------------------------------------------------------------
    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            what = "refused" if self._done else ("head" if self._in_head else "body")
            log_event(log, "http.dropped", logging.DEBUG, waiting_for=what)
            self.transport.close()

    def _answer_and_close(self, response: bytes) -> None:
        """Answer, half-close, and close for good once the client has read it (or soon)."""
        self._done = True
        self.transport.write(response)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._arm(_LINGER)

    # --- the connection -------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            log_event(log, "http.overloaded", logging.DEBUG, connections=len(self.connections))
            self._answer_and_close(_OVERLOADED)
            return
        self._arm(self.limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._done:
            return
        was_in_head = self._in_head
        super().data_received(data)
        # Every byte of a chunk that began and ended inside a head was head.
        if was_in_head and self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_header_bytes:
                self._answer_and_close(_HEAD_TOO_LARGE)

    # --- the request ----------------------------------------------------------------------
    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._arm(self.limits.body_timeout)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        response_sent = self.cycle is not None and self.cycle.response_complete
        super().on_message_complete()
        self._in_head = True
        if response_sent:  # answered before its body was read: wait for the next head
            self._arm(self.limits.header_timeout)
        else:
            self._disarm()  # the app has the request; its work is not timed here

    def on_response_complete(self) -> None:
        queued = bool(self.pipeline)
        super().on_response_complete()
        if self.transport.is_closing() or queued:
            return
        if self._in_head:  # the request was read whole: the next head is awaited
            self._arm(self.limits.header_timeout)

    def shutdown(self) -> None:
        """At a stop: a client still sending its request, or not reading its answer, is
        dropped now rather than waited for (the channel sends the message again); the rest
        is uvicorn's graceful stop (idle connections closed, requests in hand finish)."""
        cycle = self.cycle
        slow = cycle is not None and not cycle.response_complete
        if slow and (cycle.more_body or self.flow.write_paused):
            self.transport.close()  # still sending its request, or not reading the answer
            return
        super().shutdown()


def guarded_protocol(limits: ServerLimits) -> type[GuardedProtocol]:
    """The protocol class uvicorn instantiates, with ``limits``."""
    return type("GuardedProtocol", (GuardedProtocol,), {"limits": limits})


class _Unfinished:
    """Outermost ASGI wrapper: a request still in hand when the stop's grace is over is
    cancelled by uvicorn; it is answered 503 (the channel sends it again) and logged in
    one line, instead of uvicorn's "Exception in ASGI application" traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            log_event(log, "http.request_cancelled", logging.WARNING, path=scope.get("path"))
            if scope["type"] == "http" and not started:
                with contextlib.suppress(Exception):
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 503,
                            "headers": [(b"content-length", b"0"), (b"connection", b"close")],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})


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
    async def start(
        cls, app: ASGIApp, host: str, port: int, limits: ServerLimits | None = None
    ) -> HttpServer:
        """Serve ``app`` on ``host:port`` (port 0: any free one) within ``limits`` (the
        module's constants by default); :class:`StartError` when it cannot."""
        limits = (limits or ServerLimits()).within_open_files()
        sockets = await _listen(host, port)
        config = uvicorn.Config(
            _Unfinished(app),
            http=guarded_protocol(limits),
            lifespan="off",
            log_config=None,
            access_log=False,
            limit_concurrency=limits.max_connections,
            timeout_keep_alive=limits.keep_alive,
            timeout_graceful_shutdown=limits.grace,
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
