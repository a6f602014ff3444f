"""The WhatsApp channel, as registered: configured by a Twilio account and token; the twilio
client sends (documents as signed media links, templates outside the 24-hour window);
messages and delivery receipts come by Twilio's signed webhooks."""

from __future__ import annotations

from collections.abc import Mapping

from bot.channels.channel import PHONE_NUMBER, Hub, OpenChannel, SectionChannel
from bot.settings import Settings
from bot.whatsapp import WHATSAPP
from bot.whatsapp.settings import WhatsAppSection, whatsapp_settings

__all__ = ["WhatsAppChannel"]


class WhatsAppChannel(SectionChannel):
    name = WHATSAPP
    #: The person's number in E.164.
    address = PHONE_NUMBER
    in_health = False
    section = WhatsAppSection
    texts: Mapping[str, str] = {f"pdf.channel.{WHATSAPP}": "WhatsApp"}

    def open(self, settings: Settings, hub: Hub) -> OpenChannel:
        # The twilio client (and aiohttp) are imported only when WhatsApp is configured.
        from bot.whatsapp.live import OpenWhatsApp

        section = whatsapp_settings(settings)
        if section is None:
            raise ValueError("WhatsApp is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)")
        return OpenWhatsApp(section, hub)
