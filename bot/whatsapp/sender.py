"""Sending through Twilio's Messages API (the twilio client's async HTTP client).

Choices become quick-reply buttons where the operator configured a ``twilio/quick-reply``
template that fits (:mod:`bot.whatsapp.buttons`); otherwise, or when Twilio refuses that
message, one numbered line ("Balas 1 = YA, 2 = BATAL"), or no list at all where a typed number
is itself an answer (``numbered`` False).
Documents go as media: the PDF is kept in the media store and Twilio fetches it from a signed,
expiring ``/media/<token>.pdf`` URL. What the bot starts goes free-form only within
:data:`WINDOW` of the person's last message (the channel's delivery policy); outside it, or
when WhatsApp refuses a free-form message anyway (Twilio error 63016, :class:`OutsideWindow`),
the dispatcher sends the configured Content Template instead where one fits (this is a
:class:`bot.channels.TemplateSender`). Every exception raised here carries Twilio's error code
(``code``), which the dispatcher records on the outbox row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter
from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.channels import (
    OutgoingDocument,
    OutsideWindow,
    PermanentError,
    RetryLater,
    TransientError,
    Unreachable,
    split_text,
)
from bot.logs import log_event
from bot.whatsapp import WHATSAPP
from bot.whatsapp.buttons import quick_reply
from bot.whatsapp.settings import WhatsAppSettings, template_label
from conversations.format import choice_list

__all__ = ["BODY_LIMIT", "WINDOW", "OutsideWindow", "WhatsAppSender", "build_client"]

log = logging.getLogger("posyandu.whatsapp")

#: WhatsApp's customer-service window: after a person's last message, how long the bot may
#: send them free-form messages it starts (reminders, documents); later, templates only.
WINDOW = timedelta(hours=24)
#: Twilio's limit for a WhatsApp message body.
BODY_LIMIT = 1600
#: Twilio error codes: outside the 24-hour session window; recipient unreachable.
OUTSIDE_WINDOW_CODES = {63016}
UNREACHABLE_CODES = {21211, 21610, 21614, 63003, 63024}


def build_client(account_sid: str, auth_token: str, api_base_url: str | None) -> Client:
    """The twilio REST client on its aiohttp transport (call inside the event loop)."""
    client = Client(account_sid, auth_token, http_client=AsyncTwilioHttpClient(timeout=20))
    if api_base_url:
        client.api.base_url = api_base_url.rstrip("/")
    return client


class WhatsAppSender:
    """A :class:`bot.channels.TemplateSender` through Twilio's Messages API."""

    name = WHATSAPP
    window = WINDOW

    def __init__(
        self,
        client: Client,
        settings: WhatsAppSettings,
        media_url: Callable[[OutgoingDocument], Awaitable[str]],
    ) -> None:
        if not settings.sender and not settings.messaging_service_sid:
            raise ValueError("a WhatsApp sender number or a Messaging Service SID is needed")
        self.client = client
        self.sender = settings.sender
        self.messaging_service_sid = settings.messaging_service_sid
        self.status_callback = settings.status_callback
        self.templates = dict(settings.templates)
        self.quick_replies = dict(settings.quick_replies)
        self.media_url = media_url
        # Twilio's throughput (per sender, times the senders of a Messaging Service's pool):
        # one limiter for every message, one more for media.
        self._limit = AsyncLimiter(settings.messages_per_second, 1)
        self._media_limit = AsyncLimiter(settings.media_per_second, 1)

    def _route(self, address: str) -> dict[str, Any]:
        route: dict[str, Any] = {"to": f"whatsapp:{address}"}
        if self.messaging_service_sid:
            route["messaging_service_sid"] = self.messaging_service_sid
        else:
            route["from_"] = f"whatsapp:{self.sender}"
        if self.status_callback:
            route["status_callback"] = self.status_callback
        return route

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        buttons = quick_reply(text, choices, self.quick_replies)
        if buttons is not None:
            try:
                return await self._create(
                    content_sid=buttons.content_sid,
                    content_variables=json.dumps(dict(buttons.variables), ensure_ascii=False),
                    **self._route(address),
                )
            except (OutsideWindow, Unreachable):
                raise  # plain text would meet the same refusal
            except PermanentError as exc:
                # Buttons are a convenience: a refused quick reply goes as plain text.
                log_event(log, "whatsapp.quick_reply_refused", logging.WARNING, code=exc.code)
        listed = choice_list(tuple(choices)) if numbered else ""
        body = f"{text}\n{listed}" if listed else text
        sid: str | None = None
        for part in split_text(body, BODY_LIMIT):
            sid = await self._create(body=part, **self._route(address))
        return sid

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        url = await self.media_url(document)
        async with self._media_limit:
            return await self._create(
                body=document.caption[:BODY_LIMIT] or document.filename,
                media_url=[url],
                **self._route(address),
            )

    def template_label(self, name: str) -> str:
        return template_label(name)

    def has_template(self, name: str) -> bool:
        return bool(self.templates.get(name))

    async def send_template(
        self, address: str, name: str, variables: Mapping[str, str]
    ) -> str | None:
        """A business-initiated message as the approved Content Template ``name``."""
        content_sid = self.templates.get(name)
        if not content_sid:
            raise PermanentError(f"template {template_label(name)} is not configured")
        return await self._create(
            content_sid=content_sid,
            content_variables=json.dumps(dict(variables), ensure_ascii=False),
            **self._route(address),
        )

    async def _create(self, **kwargs: Any) -> str | None:
        try:
            async with self._limit:
                message = await self.client.messages.create_async(**kwargs)
        except (TwilioRestException, TwilioServiceException) as exc:
            # The classic error body, or an RFC 9457 one: both carry status and Twilio's code.
            code = int(exc.code) if exc.code else None
            tag = str(code) if code is not None else None
            msg = exc.msg if isinstance(exc, TwilioRestException) else exc.title
            if exc.status == 429:
                raise RetryLater(2.0, f"twilio 429 ({code})", code=tag) from exc
            if exc.status >= 500:
                raise TransientError(f"twilio {exc.status} ({code})", code=tag) from exc
            if code in OUTSIDE_WINDOW_CODES:
                raise OutsideWindow(f"twilio {code}: outside the 24-hour window", code=tag) from exc
            if code in UNREACHABLE_CODES:
                raise Unreachable(f"twilio {code}: {msg}", code=tag) from exc
            raise PermanentError(f"twilio {exc.status} ({code}): {msg}", code=tag) from exc
        except (TimeoutError, aiohttp.ClientError, TwilioException) as exc:
            raise TransientError(f"twilio: {type(exc).__name__}") from exc
        sid = getattr(message, "sid", None)
        return str(sid) if sid else None
