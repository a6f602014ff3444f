"""The WhatsApp channel opened: the twilio client and sender, the signed webhooks' routes,
and what comes in through them (messages to the intake pipeline, receipts to the outbox)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import Route

from bot.channels.channel import Hub
from bot.health import Check
from bot.whatsapp import WHATSAPP
from bot.whatsapp.intake import WhatsAppText
from bot.whatsapp.sender import WhatsAppSender, build_client
from bot.whatsapp.settings import WhatsAppSettings
from bot.whatsapp.webhook import twilio_routes
from conversations.inbound import Inbound

__all__ = ["OpenWhatsApp"]


class OpenWhatsApp:
    def __init__(self, settings: WhatsAppSettings, hub: Hub) -> None:
        self.settings = settings
        self.hub = hub
        self.client = build_client(settings.account_sid, settings.auth_token, settings.api_base_url)
        self._sender = WhatsAppSender(self.client, settings, hub.media_url)

    @property
    def sender(self) -> WhatsAppSender:
        return self._sender

    @property
    def single_instance(self) -> str | None:
        return None  # webhooks: any instance behind the load balancer takes any call

    def routes(self) -> Sequence[Route]:
        s = self.settings
        return twilio_routes(s.auth_token, s.public_base_url, self.on_message, self.on_status)

    async def start(self) -> None:
        return None  # Twilio calls the webhooks; nothing to start

    async def stop_intake(self) -> None:
        return None  # the webhooks close with the HTTP server

    async def close(self) -> None:
        session = getattr(self.client.http_client, "session", None)
        if session is not None:
            await session.close()

    def health(self) -> Check:
        return Check(True, "webhook")

    async def on_message(self, message: WhatsAppText) -> None:
        hub = self.hub
        await hub.receive(
            Inbound(
                channel=WHATSAPP,
                address=message.sender,
                text=message.text,
                external_id=message.message_sid,
                received_at=hub.clock.now(),
            )
        )

    async def on_status(self, fields: dict[str, str]) -> None:
        status, error = fields["MessageStatus"], fields.get("ErrorCode") or None
        await self.hub.receipt(fields["MessageSid"], status, error)
