"""The HTTP app (Starlette, served by uvicorn): webhooks, media and health.

Routes are added by the parts that exist: ``/healthz`` always; ``/telegram/webhook`` when a
Telegram intake is given; later channels add theirs. Every request body is limited (413 before
parsing), and no handler error reaches a client as a traceback.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.logs import log_event
from bot.whatsapp.intake import WhatsAppText, parse_form, signature_ok

__all__ = ["BodyLimit", "Health", "HttpParts", "create_app"]

log = logging.getLogger("posyandu.http")

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    details: dict[str, Any]


@dataclass
class HttpParts:
    """What the app serves; each part is optional."""

    health: Callable[[], Awaitable[Health]]
    #: Handles one decoded Telegram update; returns once it is recorded (committed).
    telegram_update: Callable[[Any], Awaitable[None]] | None = None
    telegram_secret: str = ""
    #: Handles one WhatsApp message from Twilio's webhook; returns once it is recorded.
    whatsapp_message: Callable[[WhatsAppText], Awaitable[None]] | None = None
    #: Records one Twilio status callback (the form fields).
    whatsapp_status: Callable[[dict[str, str]], Awaitable[None]] | None = None
    twilio_auth_token: str = ""
    #: The public URL of this app (signatures are computed against it, not the Host header).
    public_base_url: str = ""
    extra_routes: list[Route] = field(default_factory=list)


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
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await PlainTextResponse("payload too large", status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(parts: HttpParts) -> Starlette:
    async def healthz(_request: Request) -> Response:
        health = await parts.health()
        return JSONResponse(
            {"status": "ok" if health.ok else "down", **health.details},
            status_code=200 if health.ok else 503,
        )

    routes = [Route("/healthz", healthz, methods=["GET"])]

    if parts.telegram_update is not None:
        handle_update = parts.telegram_update
        secret = parts.telegram_secret.encode()

        async def telegram_webhook(request: Request) -> Response:
            given = request.headers.get("x-telegram-bot-api-secret-token", "").encode()
            if not secret or not hmac.compare_digest(given, secret):
                log_event(log, "telegram.webhook.forbidden", logging.WARNING)
                return PlainTextResponse("forbidden", status_code=403)
            body = await request.body()
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):  # RecursionError: nested too deep
                return PlainTextResponse("body is not JSON", status_code=400)
            try:
                await handle_update(data)
            except ValueError as exc:
                return PlainTextResponse(f"not a Telegram update: {exc}", status_code=400)
            return PlainTextResponse("ok")

        routes.append(Route("/telegram/webhook", telegram_webhook, methods=["POST"]))

    if parts.whatsapp_message is not None and parts.whatsapp_status is not None:
        routes.extend(_twilio_routes(parts, parts.whatsapp_message, parts.whatsapp_status))

    routes.extend(parts.extra_routes)

    async def server_error(_request: Request, exc: Exception) -> Response:
        log.error("http.error", exc_info=exc)
        return PlainTextResponse("temporarily unavailable", status_code=503)

    app = Starlette(routes=routes, exception_handlers={Exception: server_error})
    app.add_middleware(BodyLimit)
    return app


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _twilio_routes(
    parts: HttpParts,
    handle_message: Callable[[WhatsAppText], Awaitable[None]],
    handle_status: Callable[[dict[str, str]], Awaitable[None]],
) -> list[Route]:
    base = parts.public_base_url.rstrip("/")

    async def signed_form(request: Request) -> dict[str, str] | Response:
        if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return PlainTextResponse("expected a form", status_code=415)
        try:
            form = await request.form()
        except _TooLarge:  # a body without Content-Length, over the limit as it was read
            raise
        except Exception:  # a body the form parser cannot read
            return PlainTextResponse("malformed form", status_code=400)
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        signature = request.headers.get("x-twilio-signature", "")
        if not signature_ok(parts.twilio_auth_token, url, fields, signature):
            log_event(log, "twilio.webhook.forbidden", logging.WARNING, path=request.url.path)
            return PlainTextResponse("forbidden", status_code=403)
        return fields

    async def whatsapp(request: Request) -> Response:
        fields = await signed_form(request)
        if isinstance(fields, Response):
            return fields
        try:
            message = parse_form(fields)
        except ValueError as exc:
            return PlainTextResponse(f"bad request: {exc}", status_code=400)
        await handle_message(message)
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def status(request: Request) -> Response:
        fields = await signed_form(request)
        if isinstance(fields, Response):
            return fields
        if not fields.get("MessageSid") or not fields.get("MessageStatus"):
            return PlainTextResponse("bad request: MessageSid and MessageStatus needed", 400)
        await handle_status(fields)
        return PlainTextResponse("ok")

    return [
        Route("/twilio/whatsapp", whatsapp, methods=["POST"]),
        Route("/twilio/status", status, methods=["POST"]),
    ]
