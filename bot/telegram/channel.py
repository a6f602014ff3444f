"""The Telegram channel, as registered: configured by a bot token; a Bot API client with
PTB's rate limiter sends; updates come by webhook (``PUBLIC_BASE_URL`` set) or long polling;
``/healthz`` shows the intake's mode."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.channels.channel import AddressRule, Hub, OpenChannel
from bot.settings import Settings
from bot.telegram import TELEGRAM
from bot.telegram.settings import telegram_settings

__all__ = ["TelegramChannel"]


class TelegramChannel:
    name = TELEGRAM
    #: A chat id: a person's (their user id) or a group's (negative).
    address = AddressRule(re.compile(r"-?[1-9]\d{0,19}"), "a Telegram chat id (digits)")
    in_health = True

    def configured(self, settings: Settings) -> bool:
        return telegram_settings(settings) is not None

    def secrets(self, settings: Settings) -> Sequence[str | None]:
        values = (settings.telegram_bot_token, settings.telegram_webhook_secret)
        return tuple(v.get_secret_value() if v is not None else None for v in values)

    def open(self, settings: Settings, hub: Hub) -> OpenChannel:
        # python-telegram-bot is imported only when Telegram is configured.
        from bot.telegram.live import OpenTelegram

        section = telegram_settings(settings)
        if section is None:
            raise ValueError("Telegram is not configured (TELEGRAM_BOT_TOKEN)")
        return OpenTelegram(section, hub)
