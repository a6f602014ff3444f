"""``POST /telegram/webhook``: the secret token checked, the update decoded and handed on."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.logs import log_event
from bot.telegram.settings import WEBHOOK_PATH

__all__ = ["webhook_route"]

log = logging.getLogger("posyandu.http")


def webhook_route(secret: str, handle_update: Callable[[Any], Awaitable[None]]) -> Route:
    """The route: 403 without the secret token, 400 for a body that is not an update;
    ``handle_update`` returns once the update is recorded (its errors answer 503)."""
    expected = secret.encode()

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get("x-telegram-bot-api-secret-token", "").encode()
        if not expected or not hmac.compare_digest(given, expected):
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

    return Route(WEBHOOK_PATH, telegram_webhook, methods=["POST"])
