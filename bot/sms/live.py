"""The SMS channel opened: the gateway's client and sender, the signed webhook's route and
what comes in through it (messages to the intake pipeline, receipts to the outbox), and the
webhooks registered at the gateway at start."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp
from android_sms_gateway import Webhook, WebhookEvent
from android_sms_gateway.errors import APIError
from starlette.routing import Route

from bot.channels.channel import Hub
from bot.health import Check
from bot.logs import log_event
from bot.sms import SMS
from bot.sms.intake import RECEIPTS, Receipt, SmsText
from bot.sms.sender import SmsSender, build_client
from bot.sms.settings import SmsSettings
from bot.sms.webhook import sms_routes
from conversations.inbound import Inbound

__all__ = ["EVENTS", "OpenSms"]

log = logging.getLogger("posyandu.sms")

#: The events the service registers its webhook for.
EVENTS = (WebhookEvent.SMS_RECEIVED, *(WebhookEvent(e) for e in RECEIPTS))


class OpenSms:
    def __init__(self, settings: SmsSettings, hub: Hub) -> None:
        self.settings = settings
        self.hub = hub
        self.client, self.session = build_client(settings)
        self._sender = SmsSender(self.client, settings, hub.clock, hub.media_url, hub.quota)
        #: Whether the webhooks are registered at the gateway (None: not tried yet).
        self.registered: bool | None = None

    @property
    def sender(self) -> SmsSender:
        return self._sender

    @property
    def single_instance(self) -> str | None:
        return None  # a webhook: any instance behind the load balancer takes any call

    def routes(self) -> Sequence[Route]:
        return sms_routes(self.settings, self.hub.clock, self.on_message, self.on_receipt)

    async def start(self) -> None:
        """Register the webhook for each event at the gateway (once: an existing one is
        kept). A gateway that cannot be reached now (the phone off) is logged and shown in
        ``/healthz``; the service starts anyway and sends when the phone is back."""
        url = self.settings.webhook_url
        try:
            have = {(w.url, w.event) for w in await self.client.get_webhooks()}
            for event in EVENTS:
                if (url, event) not in have:
                    await self.client.create_webhook(Webhook(id=None, url=url, event=event))
        except (APIError, TimeoutError, aiohttp.ClientError) as exc:
            self.registered = False
            log_event(log, "sms.webhooks.not_registered", logging.WARNING, error=type(exc).__name__)
            return
        self.registered = True
        log_event(log, "sms.webhooks.registered", url=url, events=len(EVENTS))

    async def stop_intake(self) -> None:
        return None  # the webhook closes with the HTTP server

    async def close(self) -> None:
        await self.session.close()

    def health(self) -> Check:
        sender = self._sender
        sent = sender.sent_so_far()
        if sender.capped_at is not None:
            resume = sender.next_day_at().isoformat()
            return Check(True, f"daily limit reached, queued until {resume}")
        if self.registered is False:
            return Check(True, "webhooks not registered")
        return Check(True, f"webhook, {sent} of {self.settings.daily_limit} sent today")

    async def on_message(self, message: SmsText) -> None:
        await self.hub.receive(
            Inbound(
                channel=SMS,
                address=message.sender,
                text=message.text,
                external_id=message.key,
                received_at=self.hub.clock.now(),
            )
        )

    async def on_receipt(self, receipt: Receipt) -> None:
        await self.hub.receipt(receipt.message_id, receipt.status, receipt.reason)
