"""``POST /sms/webhook``: every event the SMS gateway app posts (a message, a delivery
receipt), signed with the app's webhook signing key and refused when forged or old."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.logs import log_event
from bot.sms.intake import Receipt, SmsText, fresh, parse_event, signature_ok
from bot.sms.settings import WEBHOOK_PATH, SmsSettings
from scoring.clock import Clock

__all__ = ["sms_routes"]

log = logging.getLogger("posyandu.http")


def sms_routes(
    settings: SmsSettings,
    clock: Clock,
    handle_message: Callable[[SmsText], Awaitable[None]],
    handle_receipt: Callable[[Receipt], Awaitable[None]],
) -> list[Route]:
    """The route; each handler returns once what it was given is recorded (else the call is
    answered 503 by the app's error handling and the gateway delivers it again)."""

    async def webhook(request: Request) -> Response:
        body = await request.body()
        timestamp = request.headers.get("x-timestamp", "")
        signature = request.headers.get("x-signature", "")
        if not signature_ok(settings.signing_key, body, timestamp, signature):
            log_event(log, "sms.webhook.forbidden", logging.WARNING, reason="signature")
            return PlainTextResponse("forbidden", status_code=403)
        if not fresh(timestamp, clock.now(), settings.webhook_max_age_seconds):
            log_event(log, "sms.webhook.forbidden", logging.WARNING, reason="timestamp")
            return PlainTextResponse("forbidden: timestamp too old", status_code=403)
        try:
            event = parse_event(body, settings.country_code)
        except ValueError as exc:
            return PlainTextResponse(f"bad request: {exc}", status_code=400)
        if isinstance(event, SmsText):
            await handle_message(event)
        elif isinstance(event, Receipt):
            await handle_receipt(event)
        return PlainTextResponse("ok")

    return [Route(WEBHOOK_PATH, webhook, methods=["POST"])]
