"""The Telegram channel's settings section (``TELEGRAM_*``, and ``PUBLIC_BASE_URL`` for the
webhook): :class:`TelegramSection`, read with the one settings object, and what the channel
opens with, :class:`TelegramSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from bot.settings import Settings, SettingsSection

__all__ = ["WEBHOOK_PATH", "TelegramSection", "TelegramSettings", "telegram_settings"]

WEBHOOK_PATH = "/telegram/webhook"


class TelegramSection(SettingsSection):
    model_config = SettingsConfigDict(env_prefix="TELEGRAM_")

    env_title: ClassVar[str] = "Telegram (docs/telegram.md)"
    env_example: ClassVar[str] = """\
# From BotFather. Unset: no Telegram.
# TELEGRAM_BOT_TOKEN=
# Bot API base URL in python-telegram-bot's form; the token is appended.
TELEGRAM_API_BASE_URL=https://api.telegram.org/bot
# Secret Telegram sends with each webhook call (letters, digits, _ and -; 16 or more).
# Needed with a webhook (PUBLIC_BASE_URL): without it the program does not start.
# TELEGRAM_WEBHOOK_SECRET=
# Sending limits: messages per second overall, and per group per minute.
TELEGRAM_RATE_PER_SECOND=30
TELEGRAM_GROUP_RATE_PER_MINUTE=20
"""
    credentials: ClassVar[str] = "TELEGRAM_BOT_TOKEN"

    bot_token: SecretStr | None = Field(default=None, description="From BotFather.")
    api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL in python-telegram-bot's form (the token is appended).",
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token Telegram sends with webhook calls."
    )
    rate_per_second: float = Field(default=30, gt=0, le=1000)
    group_rate_per_minute: float = Field(default=20, gt=0, le=1000)

    def configured(self) -> bool:
        return self.bot_token is not None

    def problems(self, settings: Settings) -> list[str]:
        if self.bot_token and settings.public_base_url and not self.webhook_secret:
            return [
                "TELEGRAM_WEBHOOK_SECRET: needed with PUBLIC_BASE_URL (Telegram webhook mode): "
                "without it every update would be refused; set one, or unset PUBLIC_BASE_URL "
                "to poll"
            ]
        return []


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    token: str
    #: In python-telegram-bot's form (the token is appended).
    api_base_url: str
    #: Set (``PUBLIC_BASE_URL`` is): webhook mode; None: long polling.
    webhook_url: str | None
    #: What Telegram sends with every webhook call ("" unset: every call is refused).
    webhook_secret: str
    messages_per_second: float
    group_messages_per_minute: float


def telegram_settings(settings: Settings) -> TelegramSettings | None:
    """What the channel opens with, or None when Telegram is not configured (no bot token)."""
    s = settings.section(TelegramSection)
    if s.bot_token is None:
        return None
    base = settings.public_base_url
    return TelegramSettings(
        token=s.bot_token.get_secret_value(),
        api_base_url=s.api_base_url,
        webhook_url=f"{base.rstrip('/')}{WEBHOOK_PATH}" if base else None,
        webhook_secret=s.webhook_secret.get_secret_value() if s.webhook_secret else "",
        messages_per_second=s.rate_per_second,
        group_messages_per_minute=s.group_rate_per_minute,
    )
