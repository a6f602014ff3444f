"""Twilio's two webhooks: ``POST /twilio/whatsapp`` (a message) and ``POST /twilio/status``
(a delivery receipt), both signed (``X-Twilio-Signature`` against ``PUBLIC_BASE_URL`` + path,
so a proxy that changes host or scheme is fine)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.http import BodyTooLarge
from bot.logs import log_event, mask
from bot.whatsapp.intake import NotWhatsApp, WhatsAppText, parse_form, signature_ok
from bot.whatsapp.settings import MESSAGE_PATH, STATUS_PATH

__all__ = ["EMPTY_TWIML", "twilio_routes"]

log = logging.getLogger("posyandu.http")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _signed_form(
    auth_token: str, public_base_url: str
) -> Callable[[Request], Awaitable[dict[str, str] | Response]]:
    """The form of a request Twilio signed, or the response refusing it."""
    base = public_base_url.rstrip("/")

    async def signed_form(request: Request) -> dict[str, str] | Response:
        if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return PlainTextResponse("expected a form", status_code=415)
        try:
            form = await request.form()
        except BodyTooLarge:  # a body without Content-Length, over the limit as it was read
            raise
        except Exception:  # a body the form parser cannot read
            return PlainTextResponse("malformed form", status_code=400)
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        signature = request.headers.get("x-twilio-signature", "")
        if not signature_ok(auth_token, url, fields, signature):
            log_event(log, "twilio.webhook.forbidden", logging.WARNING, path=request.url.path)
            return PlainTextResponse("forbidden", status_code=403)
        return fields

    return signed_form


def twilio_routes(
    auth_token: str,
    public_base_url: str,
    handle_message: Callable[[WhatsAppText], Awaitable[None]],
    handle_status: Callable[[dict[str, str]], Awaitable[None]],
) -> list[Route]:
    """The routes; each handler returns once what it was given is recorded."""
    signed_form = _signed_form(auth_token, public_base_url)

    async def whatsapp(request: Request) -> Response:
        fields = await signed_form(request)
        if isinstance(fields, Response):
            return fields
        try:
            message = parse_form(fields)
        except NotWhatsApp as exc:
            # Not by WhatsApp (an SMS to the same URL): acknowledged, and nothing else done.
            log_event(log, "twilio.webhook.not_whatsapp", sender=mask(exc.sender))
            return Response(EMPTY_TWIML, media_type="text/xml")
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
        Route(MESSAGE_PATH, whatsapp, methods=["POST"]),
        Route(STATUS_PATH, status, methods=["POST"]),
    ]
