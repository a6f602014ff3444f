"""The Telegram channel, as registered: configured by a bot token; a Bot API client with
PTB's rate limiter sends; updates come by webhook (``PUBLIC_BASE_URL`` set) or long polling;
``/healthz`` shows the intake's mode."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.channels.channel import AddressRule, Hub, OpenChannel, SectionChannel
from bot.settings import Settings
from bot.telegram import TELEGRAM
from bot.telegram.settings import TelegramSection, telegram_settings

__all__ = ["TelegramChannel"]


class TelegramChannel(SectionChannel):
    name = TELEGRAM
    #: A chat id: a person's (their user id) or a group's (negative).
    address = AddressRule(re.compile(r"-?[1-9]\d{0,19}"), "a Telegram chat id (digits)")
    in_health = True
    section = TelegramSection
    texts: Mapping[str, str] = {f"pdf.channel.{TELEGRAM}": "Telegram"}

    def open(self, settings: Settings, hub: Hub) -> OpenChannel:
        # python-telegram-bot is imported only when Telegram is configured.
        from bot.telegram.live import OpenTelegram

        section = telegram_settings(settings)
        if section is None:
            raise ValueError("Telegram is not configured (TELEGRAM_BOT_TOKEN)")
        return OpenTelegram(section, hub)
