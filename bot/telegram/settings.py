"""The Telegram channel's settings section (``TELEGRAM_*``, and ``PUBLIC_BASE_URL`` for the
webhook), read from the one settings object."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings

__all__ = ["WEBHOOK_PATH", "TelegramSettings", "telegram_settings"]

WEBHOOK_PATH = "/telegram/webhook"


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
    """The section, or None when Telegram is not configured (no bot token)."""
    s = settings
    if not s.telegram_bot_token:
        return None
    return TelegramSettings(
        token=s.telegram_bot_token.get_secret_value(),
        api_base_url=s.telegram_api_base_url,
        webhook_url=f"{s.public_base_url.rstrip('/')}{WEBHOOK_PATH}" if s.public_base_url else None,
        webhook_secret=s.telegram_webhook_secret.get_secret_value()
        if s.telegram_webhook_secret
        else "",
        messages_per_second=s.telegram_rate_per_second,
        group_messages_per_minute=s.telegram_group_rate_per_minute,
    )
