"""The SMS channel, as registered: configured by the ``SMS_*`` section (the gateway's URL,
username, password and webhook signing key); the android-sms-gateway client sends (PDFs as
signed links); messages and delivery receipts come by the gateway's signed webhook."""

from __future__ import annotations

from collections.abc import Mapping

from bot.channels.channel import PHONE_NUMBER, Hub, OpenChannel, SectionChannel
from bot.settings import Settings
from bot.sms import SMS
from bot.sms.settings import SmsSection, sms_settings

__all__ = ["SmsChannel"]


class SmsChannel(SectionChannel):
    name = SMS
    #: The person's number in E.164.
    address = PHONE_NUMBER
    in_health = True
    section = SmsSection
    texts: Mapping[str, str] = {f"pdf.channel.{SMS}": "SMS"}

    def open(self, settings: Settings, hub: Hub) -> OpenChannel:
        # The gateway's client is imported only when SMS is configured.
        from bot.sms.live import OpenSms

        section = sms_settings(settings)
        if section is None:
            raise ValueError(
                "SMS is not configured (SMS_GATEWAY_URL, SMS_GATEWAY_USERNAME, "
                "SMS_GATEWAY_PASSWORD, SMS_WEBHOOK_SIGNING_KEY)"
            )
        return OpenSms(section, hub)
